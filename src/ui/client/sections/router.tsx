import { useEffect, useState } from "hono/jsx/dom";
import { postJson } from "../api.ts";
import type { ConfigStore } from "../config-store.ts";
import { useMeta } from "../meta.ts";
import { Badge, ErrorText, Field, SaveBar, useConfig } from "../widgets.tsx";

const val = (e: Event) => (e.target as HTMLInputElement).value;

interface Explanation {
  requested_model: string;
  route: string;
  virtual_model: string;
  reason: string;
  estimated_tokens: number;
  chain: { provider: string; model: string; provider_type?: string; usable: boolean; note?: string }[];
}

interface Probe {
  model: string;
  thinking: boolean;
  tools: string;
  body: string;
}

function probeBody(p: Probe): Record<string, unknown> {
  const body: Record<string, unknown> = { model: p.model || undefined, thinking: p.thinking };
  body.tools = p.tools
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (p.body.trim()) body.base = JSON.parse(p.body);
  return body;
}

/** "Which route would this request take": the same explanation `ccmux route` prints, live. */
function WhichRoute() {
  const [probe, setProbe] = useState<Probe>({ model: "claude-sonnet-4-6", thinking: false, tools: "", body: "" });
  const [out, setOut] = useState<Explanation | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const id = setTimeout(() => {
      let body: Record<string, unknown>;
      try {
        body = probeBody(probe);
      } catch {
        return setError("The request body is not valid JSON");
      }
      postJson<Explanation>("/api/route/explain", body).then(
        (x) => {
          setOut(x);
          setError(undefined);
        },
        (e: Error) => setError(e.message),
      );
    }, 250);
    return () => clearTimeout(id);
  }, [probe.model, probe.thinking, probe.tools, probe.body]);
  const set = (patch: Partial<Probe>) => setProbe({ ...probe, ...patch });
  return (
    <section class="card" aria-labelledby="which-route">
      <h2 id="which-route">Which route would this request take?</h2>
      <div class="form-grid">
        <Field label="Requested model">
          <input name="probe_model" value={probe.model} onInput={(e: Event) => set({ model: val(e) })} />
        </Field>
        <Field label="Tools" hint="Comma-separated; web_search adds Anthropic's web search tool.">
          <input value={probe.tools} onInput={(e: Event) => set({ tools: val(e) })} />
        </Field>
        <label class="check">
          <input
            type="checkbox"
            checked={probe.thinking}
            onChange={(e: Event) => set({ thinking: (e.target as HTMLInputElement).checked })}
          />
          Extended thinking
        </label>
        <Field label="Request body (optional JSON)" hint="E.g. one captured from Claude Code.">
          <textarea rows={3} onInput={(e: Event) => set({ body: val(e) })}>
            {probe.body}
          </textarea>
        </Field>
      </div>
      <ErrorText error={error} />
      {out ? (
        <div data-testid="explanation" aria-live="polite">
          <p>
            Route <Badge kind="info">{out.route}</Badge> → model <code>{out.virtual_model}</code>{" "}
            <span class="muted">
              ({out.reason}; ~{out.estimated_tokens} tokens)
            </span>
          </p>
          <ol class="chain">
            {out.chain.map((c) => (
              <li class={c.usable ? "" : "muted"}>
                {c.provider} → <code>{c.model}</code> {c.note ? <Badge kind="warn">{c.note}</Badge> : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}

export function RouterSection({ store }: { store: ConfigStore }) {
  const s = useConfig(store);
  const meta = useMeta();
  const router = s.doc?.router ?? {};
  const models = (s.doc?.models ?? []).map((m) => m.name);
  const update = (key: string, value: string | number | null) => store.edit((d) => (d.router[key] = value));
  return (
    <div class="grid">
      <section class="card" aria-labelledby="slots">
        <h2 id="slots">Route slots</h2>
        <datalist id="model-names">
          {models.map((m) => (
            <option value={m} />
          ))}
        </datalist>
        <div class="form-grid">
          {(meta?.route_slots ?? []).map((slot) => (
            <Field label={slot}>
              <input
                name={`router_${slot}`}
                list="model-names"
                value={String(router[slot] ?? "")}
                placeholder={slot === "default" ? "" : "(default)"}
                onInput={(e: Event) => update(slot, val(e) || null)}
              />
            </Field>
          ))}
          <Field label="long_context_threshold" hint="Estimated tokens above which long_context applies.">
            <input
              type="number"
              min={1}
              value={String(router.long_context_threshold ?? "")}
              onInput={(e: Event) => update("long_context_threshold", Number(val(e)) || null)}
            />
          </Field>
          <Field label="auto_map_regex" hint="Model names it matches are mapped to the default model.">
            <input
              value={String(router.auto_map_regex ?? "")}
              onInput={(e: Event) => update("auto_map_regex", val(e) || null)}
            />
          </Field>
          <Field label="background_regex" hint="Model names it matches take the background route.">
            <input
              value={String(router.background_regex ?? "")}
              onInput={(e: Event) => update("background_regex", val(e) || null)}
            />
          </Field>
        </div>
        <SaveBar store={store} />
      </section>
      <WhichRoute />
    </div>
  );
}
