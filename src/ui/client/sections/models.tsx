import { useState } from "hono/jsx/dom";
import type { ModelDoc } from "../api.ts";
import type { ConfigStore } from "../config-store.ts";
import { Field, Options, SaveBar, useConfig } from "../widgets.tsx";

const val = (e: Event) => (e.target as HTMLInputElement).value;

function move<T>(list: T[], from: number, to: number): void {
  if (to < 0 || to >= list.length || from === to) return;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item!);
}

function AddFallback({ mi, store, providers }: { mi: number; store: ConfigStore; providers: string[] }) {
  const [provider, setProvider] = useState(providers[0] ?? "");
  const [actual, setActual] = useState("");
  return (
    <form
      class="row wrap"
      aria-label="Add a fallback"
      onSubmit={(e: Event) => {
        e.preventDefault();
        if (!actual.trim()) return;
        store.edit((d) =>
          d.models[mi]!.mappings.push({
            priority: 0,
            provider: provider || providers[0]!,
            actual_model: actual.trim(),
          }),
        );
        setActual("");
      }}
    >
      <Field label="Provider">
        <select onChange={(e: Event) => setProvider(val(e))}>
          <Options values={providers} current={provider} />
        </select>
      </Field>
      <Field label="Upstream model">
        <input value={actual} placeholder="* = the name asked for" onInput={(e: Event) => setActual(val(e))} />
      </Field>
      <button type="submit">Add fallback</button>
    </form>
  );
}

function ModelCard({ m, mi, store, providers }: { m: ModelDoc; mi: number; store: ConfigStore; providers: string[] }) {
  const [dragged, setDragged] = useState<number | undefined>(undefined);
  const reorder = (from: number, to: number) => store.edit((d) => move(d.models[mi]!.mappings, from, to));
  return (
    <li class="card" data-testid="model-card">
      <div class="row spread">
        <strong class="name">{m.name}</strong>
        <button
          type="button"
          class="danger"
          aria-label={`Delete model ${m.name}`}
          onClick={() => confirm(`Delete model ${m.name}?`) && store.edit((d) => d.models.splice(mi, 1))}
        >
          Delete
        </button>
      </div>
      <ol class="mappings" aria-label={`Failover order for ${m.name}`}>
        {m.mappings.map((x, i) => (
          <li
            draggable
            class={dragged === i ? "dragging" : ""}
            data-testid="mapping"
            onDragStart={(e: DragEvent) => {
              setDragged(i);
              e.dataTransfer?.setData("text/plain", String(i));
            }}
            onDragOver={(e: DragEvent) => e.preventDefault()}
            onDrop={(e: DragEvent) => {
              e.preventDefault();
              reorder(Number(e.dataTransfer?.getData("text/plain") ?? dragged), i);
              setDragged(undefined);
            }}
          >
            <span class="grip" aria-hidden="true">
              ⋮⋮
            </span>
            <span class="mapping-text">
              {i + 1}. {x.provider} → <code>{x.actual_model}</code>
            </span>
            <span class="row">
              <button
                type="button"
                aria-label={`Move ${x.provider} up`}
                disabled={i === 0}
                onClick={() => reorder(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${x.provider} down`}
                disabled={i === m.mappings.length - 1}
                onClick={() => reorder(i, i + 1)}
              >
                ↓
              </button>
              <button
                type="button"
                class="danger"
                aria-label={`Remove ${x.provider}`}
                onClick={() => store.edit((d) => d.models[mi]!.mappings.splice(i, 1))}
              >
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
      <AddFallback mi={mi} store={store} providers={providers} />
    </li>
  );
}

export function Models({ store }: { store: ConfigStore }) {
  const s = useConfig(store);
  const [name, setName] = useState("");
  const providers = (s.doc?.providers ?? []).map((p) => p.name);
  return (
    <div>
      <form
        class="card row wrap"
        aria-label="Add a model"
        onSubmit={(e: Event) => {
          e.preventDefault();
          if (!name.trim() || !providers.length) return;
          store.edit((d) =>
            d.models.push({
              name: name.trim(),
              mappings: [{ priority: 1, provider: providers[0]!, actual_model: "*" }],
            }),
          );
          setName("");
        }}
      >
        <Field label="Model name" hint="The name clients ask for, or * for every other name.">
          <input value={name} onInput={(e: Event) => setName(val(e))} />
        </Field>
        <button type="submit">Add model</button>
      </form>
      <ul class="cards">
        {(s.doc?.models ?? []).map((m, mi) => (
          <ModelCard m={m} mi={mi} store={store} providers={providers} />
        ))}
      </ul>
      <SaveBar store={store} />
    </div>
  );
}
