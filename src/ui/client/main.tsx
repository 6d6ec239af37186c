import { render, useEffect, useState } from "hono/jsx/dom";
import "./style.css";
import { createConfigStore, type ConfigStore } from "./config-store.ts";
import { LiveLog } from "./sections/live-log.tsx";
import { Logins } from "./sections/logins.tsx";
import { Models } from "./sections/models.tsx";
import { Overview } from "./sections/overview.tsx";
import { Providers } from "./sections/providers.tsx";
import { RouterSection } from "./sections/router.tsx";
import { TestConsole } from "./sections/test-console.tsx";
import { Usage } from "./sections/usage.tsx";

const SECTIONS = [
  { id: "overview", title: "Overview", view: Overview },
  { id: "providers", title: "Providers", view: Providers },
  { id: "models", title: "Models", view: Models },
  { id: "router", title: "Router", view: RouterSection },
  { id: "logins", title: "Logins", view: Logins },
  { id: "test", title: "Test", view: TestConsole },
  { id: "log", title: "Live log", view: LiveLog },
  { id: "usage", title: "Usage", view: Usage },
] as const;

function currentSection(): string {
  const id = location.hash.slice(1);
  return SECTIONS.some((s) => s.id === id) ? id : "overview";
}

function App({ store }: { store: ConfigStore }) {
  const [active, setActive] = useState(currentSection());
  useEffect(() => {
    const onHash = () => setActive(currentSection());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  const section = SECTIONS.find((s) => s.id === active)!;
  const View = section.view;
  return (
    <div class="layout">
      <header class="top">
        <span class="brand">ccmux</span>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li>
                <a href={`#${s.id}`} aria-current={s.id === active ? "page" : undefined}>
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" aria-labelledby="section-title">
        <h1 id="section-title">{section.title}</h1>
        <View store={store} />
      </main>
    </div>
  );
}

const store = createConfigStore();
void store.load();
render(<App store={store} />, document.getElementById("app")!);
