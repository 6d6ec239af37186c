import { useState } from "hono/jsx/dom";
import type { ProviderDoc } from "../api.ts";
import type { ConfigStore } from "../config-store.ts";
import { type ProviderKindInfo, useMeta } from "../meta.ts";
import { Badge, Field, SaveBar, useConfig } from "../widgets.tsx";

const AUTH_TYPES = ["apikey", "oauth", "passthrough", "adc"];

/** A suggested variable name for a provider's key: OPENROUTER_API_KEY. */
export function keyVar(p: ProviderDoc): string {
  const base = (p.provider_type || p.name || "provider").toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return `$${base.replace(/^_+|_+$/g, "")}_API_KEY`;
}

/** A key that is neither a `$VAR` reference nor the server's "set" placeholder lands in the file as is. */
export function isLiteralKey(value: string | null | undefined): boolean {
  return Boolean(value) && value !== "set" && !value!.startsWith("$");
}

function headersText(h: Record<string, string> | undefined): string {
  return Object.entries(h ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

type Update = (patch: Partial<ProviderDoc>) => void;

function AuthFields({ p, update }: { p: ProviderDoc; update: Update }) {
  const auth = p.auth_type ?? "apikey";
  if (auth === "oauth")
    return (
      <Field label="OAuth token name" hint="The login under Logins that this provider uses (defaults to its name).">
        <input value={p.oauth_provider ?? ""} onInput={(e: Event) => update({ oauth_provider: val(e) || undefined })} />
      </Field>
    );
  if (auth !== "apikey") return null;
  return (
    <Field label="API key" hint="Write $VARIABLE to read it from the environment (recommended).">
      <input
        name="api_key"
        value={p.api_key ?? ""}
        placeholder={keyVar(p)}
        autocomplete="off"
        onInput={(e: Event) => update({ api_key: val(e) || null })}
      />
      {isLiteralKey(p.api_key) ? (
        <span class="notice notice-warn" role="alert">
          This literal key will be written into config.toml. Prefer {keyVar(p)}.
        </span>
      ) : null}
    </Field>
  );
}

const val = (e: Event) => (e.target as HTMLInputElement).value;

function ProviderForm({ p, kind, update }: { p: ProviderDoc; kind?: ProviderKindInfo; update: Update }) {
  const vertex = p.provider_type === "vertex-ai";
  return (
    <div class="form-grid">
      <Field label="Name">
        <input name="name" value={p.name} onInput={(e: Event) => update({ name: val(e) })} />
      </Field>
      <Field label="Auth">
        <select value={p.auth_type ?? "apikey"} onChange={(e: Event) => update({ auth_type: val(e) })}>
          {AUTH_TYPES.map((a) => (
            <option value={a} selected={(p.auth_type ?? "apikey") === a}>
              {a}
            </option>
          ))}
        </select>
      </Field>
      <AuthFields p={p} update={update} />
      <Field label="Base URL" hint={kind?.base_url ? `Default: ${kind.base_url}` : "Required for this type."}>
        <input value={p.base_url ?? ""} onInput={(e: Event) => update({ base_url: val(e) || undefined })} />
      </Field>
      {vertex ? (
        <>
          <Field label="Project ID">
            <input value={p.project_id ?? ""} onInput={(e: Event) => update({ project_id: val(e) || undefined })} />
          </Field>
          <Field label="Location">
            <input
              value={p.location ?? ""}
              placeholder="us-central1"
              onInput={(e: Event) => update({ location: val(e) || undefined })}
            />
          </Field>
        </>
      ) : null}
      <Field label="Custom headers" hint="One per line, Name: value. $VAR works here too.">
        <textarea rows={2} onChange={(e: Event) => update({ headers: parseHeaders(val(e)) })}>
          {headersText(p.headers)}
        </textarea>
      </Field>
      <Field label="Models (optional)" hint="Comma-separated upstream model ids.">
        <input
          value={(p.models ?? []).join(", ")}
          onChange={(e: Event) =>
            update({
              models: val(e)
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
        />
      </Field>
    </div>
  );
}

function ProviderCard({
  p,
  i,
  store,
  kinds,
}: {
  p: ProviderDoc;
  i: number;
  store: ConfigStore;
  kinds: ProviderKindInfo[];
}) {
  const [open, setOpen] = useState(false);
  const update: Update = (patch) => store.edit((doc) => Object.assign(doc.providers[i]!, patch));
  const kind = kinds.find((k) => k.type === p.provider_type);
  return (
    <li class="card provider" data-testid="provider-card">
      <div class="row spread">
        <div>
          <strong class="name">{p.name}</strong> <span class="muted">{p.provider_type}</span>{" "}
          {p.enabled === false ? <Badge kind="muted">disabled</Badge> : null}
        </div>
        <div class="row">
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? "Close" : "Edit"}
          </button>
          <button type="button" onClick={() => update({ enabled: p.enabled === false })}>
            {p.enabled === false ? "Enable" : "Disable"}
          </button>
          <button
            type="button"
            class="danger"
            aria-label={`Delete ${p.name}`}
            onClick={() => confirm(`Delete provider ${p.name}?`) && store.edit((d) => d.providers.splice(i, 1))}
          >
            Delete
          </button>
        </div>
      </div>
      {open ? <ProviderForm p={p} kind={kind} update={update} /> : null}
    </li>
  );
}

function AddProvider({ store, kinds }: { store: ConfigStore; kinds: ProviderKindInfo[] }) {
  const [type, setType] = useState("openrouter");
  const [name, setName] = useState("");
  const add = () => {
    const n = name.trim() || type;
    const kind = kinds.find((k) => k.type === type);
    const p: ProviderDoc = { name: n, provider_type: type, enabled: true };
    if (type === "vertex-ai") Object.assign(p, { auth_type: "adc", location: "us-central1" });
    else if (kind?.keyless) p.auth_type = "apikey";
    else Object.assign(p, { auth_type: "apikey", api_key: keyVar(p) });
    store.edit((doc) => doc.providers.push(p));
    setName("");
  };
  return (
    <form
      class="card row wrap"
      aria-label="Add a provider"
      onSubmit={(e: Event) => {
        e.preventDefault();
        add();
      }}
    >
      <Field label="Type">
        <select name="provider_type" onChange={(e: Event) => setType(val(e))}>
          {kinds.map((k) => (
            <option value={k.type} selected={k.type === type}>
              {k.type} ({k.dialect})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Name">
        <input name="new_provider_name" value={name} placeholder={type} onInput={(e: Event) => setName(val(e))} />
      </Field>
      <button type="submit">Add provider</button>
    </form>
  );
}

export function Providers({ store }: { store: ConfigStore }) {
  const s = useConfig(store);
  const meta = useMeta();
  const kinds = meta?.provider_kinds ?? [];
  return (
    <div>
      <AddProvider store={store} kinds={kinds} />
      <ul class="cards">
        {(s.doc?.providers ?? []).map((p, i) => (
          <ProviderCard p={p} i={i} store={store} kinds={kinds} />
        ))}
      </ul>
      <SaveBar store={store} />
    </div>
  );
}
