import { useRef, useState } from "hono/jsx/dom";
import { type ApiError, request } from "../api.ts";
import type { ConfigStore } from "../config-store.ts";
import { applyEvent, type Block, readSse, type StreamState } from "../stream-reader.ts";
import { Badge, ErrorText, Field, Options, useConfig } from "../widgets.tsx";

const val = (e: Event) => (e.target as HTMLInputElement).value;

interface Run extends StreamState {
  route?: string;
  provider?: string;
  upstreamModel?: string;
  totalMs?: number;
  running: boolean;
}

function BlockView({ b }: { b: Block }) {
  if (b.type === "text") return <div class="block block-text">{b.text}</div>;
  return (
    <details class={`block block-${b.type}`} open>
      <summary>{b.type === "tool_use" ? `Tool call: ${b.name}` : b.type === "thinking" ? "Thinking" : b.name}</summary>
      <pre>{b.text}</pre>
    </details>
  );
}

function Facts({ run }: { run: Run }) {
  const tokens = run.inputTokens === undefined ? "…" : `${run.inputTokens} in / ${run.outputTokens ?? "…"} out`;
  return (
    <dl class="facts inline" data-testid="run-facts">
      <dt>Route</dt>
      <dd data-testid="run-route">{run.route ?? "…"}</dd>
      <dt>Provider</dt>
      <dd data-testid="run-provider">{run.provider ?? "…"}</dd>
      <dt>Upstream model</dt>
      <dd>{run.upstreamModel ?? "…"}</dd>
      <dt>First token</dt>
      <dd>{run.ttftMs === undefined ? "…" : `${Math.round(run.ttftMs)} ms`}</dd>
      <dt>Total</dt>
      <dd data-testid="run-total">{run.totalMs === undefined ? "…" : `${Math.round(run.totalMs)} ms`}</dd>
      <dt>Tokens</dt>
      <dd data-testid="run-tokens">{tokens}</dd>
    </dl>
  );
}

export function TestConsole({ store }: { store: ConfigStore }) {
  const s = useConfig(store);
  const models = (s.doc?.models ?? []).map((m) => m.name).filter((n) => n !== "*");
  const providers = (s.doc?.providers ?? []).map((p) => p.name);
  const [model, setModel] = useState("");
  const [provider, setProvider] = useState("");
  const [prompt, setPrompt] = useState("Say hello in five words.");
  const [thinking, setThinking] = useState(false);
  const [run, setRun] = useState<Run | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const abort = useRef<AbortController | null>(null);

  const send = async () => {
    const ctrl = new AbortController();
    abort.current = ctrl;
    const started = performance.now();
    const state: Run = { blocks: [], running: true };
    const show = () => setRun({ ...state, blocks: state.blocks.map((b) => ({ ...b })) });
    setError(undefined);
    show();
    const body: Record<string, unknown> = {
      model: model || models[0] || "claude-sonnet-4-6",
      max_tokens: thinking ? 4096 : 1024,
      stream: true,
      messages: [{ role: "user", content: prompt }],
    };
    if (thinking) body.thinking = { type: "enabled", budget_tokens: 2048 };
    try {
      const headers: Record<string, string> = provider ? { "x-provider": provider } : {};
      const res = await request("/api/test/messages", {
        method: "POST",
        body: JSON.stringify(body),
        headers,
        signal: ctrl.signal,
      });
      state.route = res.headers.get("x-ccmux-route") ?? undefined;
      state.provider = res.headers.get("x-ccmux-provider") ?? undefined;
      state.upstreamModel = res.headers.get("x-ccmux-model") ?? undefined;
      show();
      await readSse(res.body!, (ev) => {
        if (state.ttftMs === undefined && ev.type === "content_block_delta") state.ttftMs = performance.now() - started;
        applyEvent(state, ev);
        show();
      });
    } catch (err) {
      if ((err as Error).name !== "AbortError") setError((err as ApiError).message);
    }
    state.totalMs = performance.now() - started;
    state.running = false;
    show();
  };

  return (
    <div class="grid">
      <section class="card wide" aria-labelledby="tc-form">
        <h2 id="tc-form">Send a test prompt</h2>
        <form
          class="form-grid"
          onSubmit={(e: Event) => {
            e.preventDefault();
            void send();
          }}
        >
          <Field label="Model">
            <input
              name="test_model"
              list="tc-models"
              value={model}
              placeholder={models[0] ?? ""}
              onInput={(e: Event) => setModel(val(e))}
            />
            <datalist id="tc-models">
              {models.map((m) => (
                <option value={m} />
              ))}
            </datalist>
          </Field>
          <Field label="Provider (optional)">
            <select name="test_provider" onChange={(e: Event) => setProvider(val(e))}>
              <option value="">Routed as usual</option>
              <Options values={providers} current={provider} />
            </select>
          </Field>
          <Field label="Prompt">
            <textarea name="test_prompt" rows={3} onInput={(e: Event) => setPrompt(val(e))}>
              {prompt}
            </textarea>
          </Field>
          <label class="check">
            <input
              type="checkbox"
              checked={thinking}
              onChange={(e: Event) => setThinking((e.target as HTMLInputElement).checked)}
            />
            Extended thinking
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={run?.running}>
              Send
            </button>
            <button type="button" disabled={!run?.running} onClick={() => abort.current?.abort()}>
              Stop
            </button>
          </div>
        </form>
        <ErrorText error={error} />
      </section>
      {run ? (
        <section class="card wide" aria-labelledby="tc-out" aria-busy={run.running}>
          <h2 id="tc-out">
            Answer{" "}
            {run.running ? <Badge kind="info">streaming</Badge> : <Badge kind="good">{run.stopReason ?? "done"}</Badge>}
          </h2>
          <Facts run={run} />
          <div class="blocks" data-testid="answer" aria-live="polite">
            {run.blocks.filter(Boolean).map((b) => (
              <BlockView b={b} />
            ))}
          </div>
          <ErrorText error={run.error} />
        </section>
      ) : null}
    </div>
  );
}
