import { useState } from "hono/jsx/dom";
import { postJson } from "../api.ts";
import type { ConfigStore } from "../config-store.ts";
import { useMeta } from "../meta.ts";
import { ErrorText, Field } from "../widgets.tsx";
import { type TokenSummary, TokenTable, usePoll } from "./overview.tsx";

const val = (e: Event) => (e.target as HTMLInputElement).value;

interface Pending {
  url: string;
  state: string;
  instructions: string;
  provider_id: string;
}

/** Only http(s) links are shown as links: a `javascript:` URL from anywhere never becomes clickable. */
export function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function Exchange({ pending, done }: { pending: Pending; done: (message: string) => void }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const href = safeHref(pending.url);
  return (
    <div class="card" data-testid="login-pending">
      <p>{pending.instructions}</p>
      {href ? (
        <p>
          <a href={href} target="_blank" rel="noopener noreferrer" data-testid="authorize-link">
            Open the login page
          </a>
        </p>
      ) : (
        <ErrorText error="The login URL is not an http(s) address" />
      )}
      <form
        class="row wrap"
        aria-label="Finish the login"
        onSubmit={async (e: Event) => {
          e.preventDefault();
          try {
            const out = await postJson<{ message: string }>("/api/oauth/exchange", {
              code,
              state: pending.state,
              provider_id: pending.provider_id,
            });
            done(out.message);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <Field label="Paste the code (code#state) or the address the login landed on">
          <input name="oauth_code" value={code} autocomplete="off" onInput={(e: Event) => setCode(val(e))} />
        </Field>
        <button type="submit">Finish login</button>
      </form>
      <ErrorText error={error} />
    </div>
  );
}

export function Logins(_: { store: ConfigStore }) {
  const meta = useMeta();
  const tokens = usePoll<TokenSummary[]>("/api/oauth/tokens", 3000);
  const kinds = meta?.oauth_kinds ?? [];
  const [kind, setKind] = useState("anthropic");
  const [name, setName] = useState("");
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const start = async () => {
    const provider_id = name.trim() || kind;
    try {
      const out = await postJson<Omit<Pending, "provider_id">>("/api/oauth/authorize", {
        oauth_type: kind,
        provider_id,
      });
      setPending({ ...out, provider_id });
      setMessage(undefined);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div class="grid">
      <section class="card" aria-labelledby="login-start">
        <h2 id="login-start">Log in</h2>
        <form
          class="row wrap"
          onSubmit={(e: Event) => {
            e.preventDefault();
            void start();
          }}
        >
          <Field label="Account kind">
            <select name="oauth_kind" onChange={(e: Event) => setKind(val(e))}>
              {kinds.map((k) => (
                <option value={k.kind} selected={k.kind === kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Token name" hint="What providers name in oauth_provider.">
            <input name="token_name" value={name} placeholder={kind} onInput={(e: Event) => setName(val(e))} />
          </Field>
          <button type="submit">Start login</button>
        </form>
        <ErrorText error={error} />
        {message ? (
          <p class="notice notice-ok" role="status">
            {message}
          </p>
        ) : null}
        {pending ? (
          <Exchange
            pending={pending}
            done={(m) => {
              setPending(undefined);
              setMessage(m);
              tokens.reload();
            }}
          />
        ) : null}
      </section>
      <section class="card wide" aria-labelledby="login-tokens">
        <h2 id="login-tokens">Tokens</h2>
        <TokenTable tokens={tokens.data ?? []} onChange={tokens.reload} />
      </section>
    </div>
  );
}
