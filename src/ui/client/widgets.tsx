import { useEffect, useState, useSyncExternalStore } from "hono/jsx/dom";
import type { ConfigStore } from "./config-store.ts";

/** Re-renders when the config store changes. */
export function useConfig(store: ConfigStore) {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** The current time, ticking every `ms` (countdowns, uptime). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export function Badge({ kind, children }: { kind: string; children: unknown }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

/** A labelled control: the label wraps it, so every input has an accessible name. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: unknown }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in
    <label class="field">
      <span class="field-label">{label}</span>
      {children}
      {hint ? <span class="hint">{hint}</span> : null}
    </label>
  );
}

/** `<option>`s for `values`, the current one selected. */
export function Options({ values, current }: { values: string[]; current: string }) {
  return (
    <>
      {values.map((v) => (
        <option value={v} selected={v === current}>
          {v}
        </option>
      ))}
    </>
  );
}

export function ErrorText({ error }: { error?: string }) {
  return error ? (
    <p class="notice notice-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** The save bar every config section shares: Save, the outcome, and the 412 conflict choice. */
export function SaveBar({ store }: { store: ConfigStore }) {
  const s = useConfig(store);
  return (
    <div class="savebar">
      {s.conflict ? (
        <div class="notice notice-warn" role="alert" data-testid="conflict">
          <strong>The config file changed since this page loaded it</strong> (another tab, an editor or the CLI).
          <div class="row">
            <button type="button" onClick={() => store.discard()}>
              Reload the file (drop my edits)
            </button>
            <button type="button" class="danger" onClick={() => store.overwrite()}>
              Save mine over it
            </button>
          </div>
        </div>
      ) : null}
      {s.notice ? (
        <div class={`notice notice-${s.notice.kind}`} role="status" data-testid="save-notice">
          {s.notice.text}
          {s.notice.details?.length ? (
            <ul>
              {s.notice.details.map((d) => (
                <li>{d}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <button type="button" class="primary" disabled={!s.dirty || s.saving} onClick={() => store.save()}>
        {s.saving ? "Saving…" : s.dirty ? "Save changes" : "Saved"}
      </button>
    </div>
  );
}
