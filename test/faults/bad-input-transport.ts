// Header abuse, wrong methods, odd paths and admin-route abuse for the bad-input suite (see bad-input-cases.ts).
import { CHAT, COUNT, MESSAGES, VALID, type Case } from "./bad-input-cases.ts";

const JSON_ROUTES = [MESSAGES, COUNT, CHAT];

function rawPost(path: string, headerLines: string[], body: string): string {
  return [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1:{port}", ...headerLines, "Connection: close", "", body].join(
    "\r\n",
  );
}

export function headerCases(): Case[] {
  const out: Case[] = [];
  for (const path of JSON_ROUTES) {
    const body = JSON.stringify(VALID[path]);
    const group = `headers ${path}`;
    const post = (
      name: string,
      headers: Record<string, string>,
      expect: Case["expect"],
      status?: number,
      server?: Case["server"],
    ) => out.push({ group, name, path, method: "POST", headers, body, expect, status, server });
    post("no content-type", {}, "4xx", 400);
    post("text/plain", { "content-type": "text/plain" }, "4xx", 400);
    post("a form", { "content-type": "application/x-www-form-urlencoded" }, "4xx", 400);
    post("multipart", { "content-type": "multipart/form-data; boundary=x" }, "4xx", 400);
    post("application/jsonx", { "content-type": "application/jsonx" }, "4xx", 400);
    post("a 8 KB content-type", { "content-type": `application/${"j".repeat(8192)}` }, "4xx", 400);
    post("json with a charset", { "content-type": "application/json; charset=latin1" }, "pass");
    post("a vendor +json type", { "content-type": "application/vnd.api+json" }, "pass");
    post("two content-types, json first", { "content-type": "application/json, text/plain" }, "pass");
    post(
      "x-provider naming nobody",
      { "content-type": "application/json", "x-provider": "../../etc/passwd" },
      "4xx",
      400,
    );
    post(
      "a garbage anthropic-version",
      { "content-type": "application/json", "anthropic-version": "\u00ff".repeat(10) },
      "pass",
    );
    post(
      "a 12 KB authorization header (no key configured)",
      { "content-type": "application/json", authorization: `Bearer ${"t".repeat(12_000)}` },
      "pass",
    );
    post("no API key on a secured server", { "content-type": "application/json" }, "4xx", 401, "secured");
    post(
      "the API key twice",
      { "content-type": "application/json", "x-api-key": "inbound-secret, inbound-secret" },
      "4xx",
      401,
      "secured",
    );
    post("an empty bearer", { "content-type": "application/json", authorization: "Bearer " }, "4xx", 401, "secured");
    post(
      "the right key",
      { "content-type": "application/json", "x-api-key": "inbound-secret" },
      "pass",
      undefined,
      "secured",
    );
    const raw = (
      name: string,
      lines: string[],
      data: string,
      expect: Case["expect"],
      status?: number,
      halfClose = false,
    ) => out.push({ group, name, path, raw: rawPost(path, lines, data), expect, status, halfClose });
    raw("a non-numeric content-length", ["Content-Type: application/json", "Content-Length: abc"], body, "http", 400);
    raw("a negative content-length", ["Content-Type: application/json", "Content-Length: -1"], body, "http", 400);
    raw(
      "two different content-lengths",
      ["Content-Type: application/json", `Content-Length: ${body.length}`, "Content-Length: 3"],
      body,
      "http",
      400,
    );
    raw(
      "content-length and chunked together",
      ["Content-Type: application/json", `Content-Length: ${body.length}`, "Transfer-Encoding: chunked"],
      body,
      "http",
      400,
    );
    raw(
      "a content-length shorter than the body",
      ["Content-Type: application/json", "Content-Length: 5"],
      body,
      "4xx",
      400,
    );
    raw(
      "a content-length longer than the body, then EOF",
      ["Content-Type: application/json", `Content-Length: ${body.length + 100}`],
      body,
      "http",
      undefined,
      true,
    );
    raw(
      "a broken chunked body",
      ["Content-Type: application/json", "Transfer-Encoding: chunked"],
      "zz\r\n{}\r\n0\r\n\r\n",
      "http",
      400,
    );
    raw(
      "an unknown transfer-encoding",
      ["Content-Type: application/json", "Transfer-Encoding: gzip"],
      body,
      "http",
      400,
    );
    raw(
      "a valid chunked body",
      ["Content-Type: application/json", "Transfer-Encoding: chunked"],
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      "pass",
    );
    raw(
      "a 100 KB header",
      ["Content-Type: application/json", `X-Filler: ${"a".repeat(100_000)}`, `Content-Length: ${body.length}`],
      body,
      "http",
      431,
    );
    raw(
      "1,000 headers",
      [
        "Content-Type: application/json",
        ...Array.from({ length: 1000 }, (_, i) => `X-H${i}: v`),
        `Content-Length: ${body.length}`,
      ],
      body,
      "http",
      431,
    );
    raw(
      "a control character in a header",
      ["Content-Type: application/json", "X-Bad: a\u0001b", `Content-Length: ${body.length}`],
      body,
      "http",
      400,
    );
    raw(
      "a folded header line",
      ["Content-Type: application/json", "X-A: v", "  folded", `Content-Length: ${body.length}`],
      body,
      "http",
      400,
    );
  }
  out.push({
    group: "headers",
    name: "no Host header",
    path: MESSAGES,
    raw: `GET /health HTTP/1.1\r\nConnection: close\r\n\r\n`,
    expect: "http",
    status: 400,
  });
  out.push({
    group: "headers",
    name: "HTTP/1.1 with bare LF line ends",
    path: "/health",
    raw: `GET /health HTTP/1.1\nHost: x\n\n`,
    expect: "http",
  });
  out.push({
    group: "headers",
    name: "not HTTP at all",
    path: "/",
    raw: "\u0000\u0001\u0002 hello\r\n\r\n",
    expect: "http",
    status: 400,
  });
  return out;
}

const METHODS_FOR_POST = ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"];
const METHODS_FOR_GET = ["POST", "PUT", "DELETE", "PATCH"];

export function methodCases(): Case[] {
  const out: Case[] = [];
  for (const path of JSON_ROUTES) {
    for (const method of METHODS_FOR_POST)
      out.push({ group: "methods", name: `${method} ${path}`, path, method, expect: "4xx", status: 404 });
    out.push({
      group: "methods",
      name: `TRACE ${path}`,
      path,
      raw: `TRACE ${path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n`,
      expect: "4xx",
      status: 404,
    });
  }
  for (const path of ["/v1/models", "/health"]) {
    for (const method of METHODS_FOR_GET)
      out.push({
        group: "methods",
        name: `${method} ${path}`,
        path,
        method,
        headers: { "content-type": "application/json" },
        body: "{}",
        expect: "4xx",
        status: 404,
      });
  }
  out.push({
    group: "methods",
    name: "an unknown method",
    path: "/health",
    raw: "FOO /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n",
    expect: "http",
  });
  out.push({
    group: "methods",
    name: "CONNECT to another host",
    path: "/",
    raw: "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
    expect: "4xx",
  });
  return out;
}

export function pathCases(): Case[] {
  const get = (name: string, path: string, expect: Case["expect"], status?: number): Case => ({
    group: "paths",
    name,
    path,
    method: "GET",
    expect,
    status,
  });
  return [
    get("/v1/models with junk query", "/v1/models?limit=-1&after_id=%00%ff&before_id[]=x", "pass"),
    get("/health with junk query", `/health?%ff=%fe&a=${"b".repeat(4000)}`, "pass"),
    get("an unknown /v1 route", "/v1/complete", "4xx", 404),
    get("upper-case path", "/V1/MESSAGES", "4xx", 404),
    get("an encoded NUL", "/v1/models%00", "4xx", 404),
    get("a doubled slash", "//v1//models", "4xx", 404),
    get("dot segments", "/v1/../api/../v1/models/..%2f..%2fetc", "4xx", 404),
    {
      group: "paths",
      name: "a 20 KB path",
      path: "/",
      raw: `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n`,
      expect: "http",
      status: 431,
    },
  ];
}

export function adminCases(): Case[] {
  const out: Case[] = [];
  const post = (
    name: string,
    body: string,
    expect: Case["expect"],
    status?: number,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) => out.push({ group: "admin", name, path: "/api/config/json", method: "POST", headers, body, expect, status });
  for (const [name, body] of [
    ["empty", ""],
    ["not JSON", "{"],
    ["null", "null"],
    ["an array", "[1]"],
    ["a string", '"x"'],
  ])
    post(`config body: ${name}`, body!, "4xx", 400);
  for (const section of ["server", "router", "providers", "models"]) {
    for (const value of ['"x"', "1", "true", "[1]", '{"zzz": {"deep": [1]}}'])
      post(`config ${section} = ${value}`, `{"${section}": ${value}}`, "4xx", 400);
  }
  post("an unknown section", '{"routers": {}}', "4xx", 400);
  post("a 10,000-deep router value", `{"router": {"default": ${"[".repeat(10_000)}${"]".repeat(10_000)}}}`, "4xx", 400);
  post("a 2 MB body", JSON.stringify({ router: { default: "d".repeat(2 << 20) } }), "4xx", 413);
  post("a form body", "router=x", "4xx", 400, { "content-type": "application/x-www-form-urlencoded" });
  const get = (
    name: string,
    path: string,
    headers: Record<string, string>,
    expect: Case["expect"],
    status?: number,
    method = "GET",
  ) => out.push({ group: "admin", name, path, method, headers, expect, status });
  get("a foreign Host", "/api/config/json", { host: "evil.example" }, "4xx", 403);
  get("a foreign Origin", "/api/providers", { origin: "http://evil.example" }, "4xx", 403);
  get("Sec-Fetch-Site: cross-site", "/api/models-config", { "sec-fetch-site": "cross-site" }, "4xx", 403);
  get(
    "a CORS preflight",
    "/api/config/json",
    { origin: "http://evil.example", "access-control-request-method": "POST" },
    "4xx",
    403,
    "OPTIONS",
  );
  get("an unknown admin route", "/api/nope", {}, "4xx", 404);
  get("PUT on the config", "/api/config/json", {}, "4xx", 404, "PUT");
  get("the config with a junk query", "/api/config/json?x=%ff", {}, "pass");
  return out;
}
