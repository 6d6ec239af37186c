import { type ApiError, type ConfigDoc, loadConfig, saveConfig } from "./api.ts";

export type Notice = { kind: "ok" | "warn" | "error"; text: string; details?: string[] };

export interface ConfigState {
  doc?: ConfigDoc;
  etag: string;
  /** Unsaved edits. */
  dirty: boolean;
  saving: boolean;
  /** The file changed on disk since `doc` was loaded (a 412 on save). */
  conflict: boolean;
  notice?: Notice;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function renumber(doc: ConfigDoc): ConfigDoc {
  for (const m of doc.models) m.mappings = m.mappings.map((x, i) => ({ ...x, priority: i + 1 }));
  return doc;
}

/**
 * The page's copy of config.toml: every section edits one draft, and one Save sends it with the
 * ETag it was loaded under. A 412 keeps the draft and offers: reload theirs, or save mine over it.
 */
export function createConfigStore() {
  let state: ConfigState = { etag: "", dirty: false, saving: false, conflict: false };
  const listeners = new Set<() => void>();
  const set = (patch: Partial<ConfigState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  async function load(): Promise<void> {
    try {
      const { doc, etag } = await loadConfig();
      set({ doc, etag, dirty: false, conflict: false });
    } catch (err) {
      set({ notice: { kind: "error", text: (err as Error).message } });
    }
  }

  async function save(): Promise<void> {
    if (!state.doc) return;
    set({ saving: true, notice: undefined });
    try {
      const out = await saveConfig(renumber(clone(state.doc)), state.etag);
      const kind = out.reloaded && out.comments_kept ? "ok" : "warn";
      const details = [...out.warnings, ...(out.comments_kept ? [] : ["The file's layout forced a rewrite."])];
      set({ saving: false, etag: out.etag, notice: { kind, text: out.message, details } });
      await load();
    } catch (err) {
      const e = err as ApiError;
      if (e.status === 412) set({ saving: false, conflict: true, notice: undefined });
      else set({ saving: false, notice: { kind: "error", text: e.message, details: e.problems } });
    }
  }

  return {
    get: () => state,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load,
    save,
    /** Applies `change` to a copy of the draft. */
    edit(change: (doc: ConfigDoc) => void): void {
      if (!state.doc) return;
      const doc = clone(state.doc);
      change(doc);
      set({ doc, dirty: true, notice: undefined });
    },
    /** After a 412: drop my edits and show the file as it is now. */
    discard: () => load(),
    /** After a 412: save my draft over the file as it is now. */
    async overwrite(): Promise<void> {
      const { etag } = await loadConfig();
      set({ etag, conflict: false });
      await save();
    },
    dismiss: () => set({ notice: undefined }),
  };
}

export type ConfigStore = ReturnType<typeof createConfigStore>;
