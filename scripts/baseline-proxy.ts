// The bar ccmux is measured against: Bun + Hono forwarding every request to one upstream,
// body unparsed, response streamed back.
//   bun scripts/baseline-proxy.ts http://127.0.0.1:PORT   → prints {"port":N} on stdout
import { Hono } from "hono";
import { proxy } from "hono/proxy";

const upstream = (Bun.argv[2] ?? "").replace(/\/+$/, "");
if (!upstream) throw new Error("usage: bun scripts/baseline-proxy.ts UPSTREAM_URL");

const app = new Hono();
app.all("*", (c) => proxy(upstream + c.req.path, c.req.raw));

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: app.fetch });
console.log(JSON.stringify({ port: server.port }));
