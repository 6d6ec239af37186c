import { describe, expect, test } from "bun:test";
import { createLogger, maskKnownSecrets, redact } from "../../src/util/log.ts";
import { toAnthropicError, UpstreamError } from "../../src/util/errors.ts";

// Key-shaped values are assembled at run time so that no literal in the source looks like a key.
const fill = (seed: string, n: number) => seed.repeat(n).slice(0, n);
const KEYS = {
  anthropic: ["sk", "ant", "api03", fill("aB3d", 60)].join("-"),
  anthropicOAuth: ["sk", "ant", "oat01", fill("Zq7w", 50)].join("-"),
  openaiProject: ["sk", "proj", fill("Xy9z", 48)].join("-"),
  openaiLegacy: `sk-${fill("k2L8", 48)}`,
  google: `AIza${fill("Sy4Q", 35)}`,
  googleAccess: `ya29.${fill("a0Af", 40)}`,
  googleRefresh: `1//0${fill("gR5t", 40)}`,
  jwt: `eyJ${fill("hbGc", 20)}.eyJ${fill("zdWI", 30)}.${fill("sIgN", 40)}`,
};

const OPAQUE = "opaque-value-0123456789";

describe("redact", () => {
  for (const [name, key] of Object.entries(KEYS)) {
    test(`a bare ${name} key is masked`, () => {
      const out = redact(`upstream said: ${key} is invalid`);
      expect(out).not.toContain(key);
      expect(out).toContain("[redacted]");
      expect(out).toStartWith("upstream said: ");
    });
  }

  const named: [string, string][] = [
    ["an Authorization: Bearer header", `Authorization: Bearer ${OPAQUE}`],
    ["a lower-case bearer", `authorization: bearer ${OPAQUE}`],
    ["Basic auth", `Authorization: Basic ${OPAQUE}`],
    ["x-api-key as a header", `x-api-key: ${OPAQUE}`],
    ["x-goog-api-key as a header", `x-goog-api-key: ${OPAQUE}`],
    ["x-api-key in JSON", `{"x-api-key":"${OPAQUE}"}`],
    ["api_key in JSON", `{"api_key": "${OPAQUE}"}`],
    ["apiKey in JSON", `{"apiKey":"${OPAQUE}"}`],
    ["access_token in JSON", `{"access_token":"${OPAQUE}","expires_in":3600}`],
    ["refresh_token in JSON", `{"refresh_token":"${OPAQUE}"}`],
    ["refresh_token in a form body", `grant_type=refresh_token&refresh_token=${OPAQUE}&client_id=abc`],
    ["code_verifier in a form body", `code=abc&code_verifier=${OPAQUE}&redirect_uri=http%3A%2F%2Flocalhost`],
    ["a PKCE verifier in JSON", `{"verifier":"${OPAQUE}"}`],
    ["client_secret", `client_secret=${OPAQUE}`],
    ["id_token", `{"id_token":"${OPAQUE}"}`],
    ["a key in a URL query", `GET https://generativelanguage.googleapis.com/v1beta/models?key=${OPAQUE}`],
    ["x-admin-token", `x-admin-token: ${OPAQUE}`],
    ["a password", `{"password":"${OPAQUE}"}`],
    ["a cookie", `Cookie: session=${OPAQUE}`],
  ];
  for (const [name, text] of named) {
    test(`${name} is masked`, () => expect(redact(text)).not.toContain(OPAQUE));
  }

  test("ordinary log text is left alone", () => {
    const plain = [
      "max_tokens: 4096",
      "input_tokens=123456",
      "default → up/claude-sonnet-4-5 200 812ms tokens in 12 (+3 cached) out 34",
      "model=claude-3-5-haiku-latest",
      "http://127.0.0.1:13456/v1/messages",
      "auth_type=oauth",
      "msg_01ABCDEFGHIJKLMNOPQRSTUV toolu_01ABCDEFGHIJ",
      "invalid bearer token",
      "config reloaded (file changed) from /home/u/.config/ccmux/config.toml: 2 providers, 3 models",
      "providers[0].api_key: environment variable FAKE_ANTHROPIC_KEY is not set",
      "token: expired",
    ];
    for (const line of plain) expect(redact(line)).toBe(line);
  });
});

function capture(level = "debug") {
  const lines: string[] = [];
  const log = createLogger({ level, plain: true, stream: { write: (s: string) => lines.push(s) } });
  return { log, text: () => lines.join("") };
}

describe("createLogger", () => {
  test("strings, objects, errors and tagged children are redacted on every level", () => {
    const { log, text } = capture();
    log.info(`sent x-api-key ${KEYS.anthropic}`);
    log.warn({ headers: { authorization: `Bearer ${OPAQUE}` }, body: { refresh_token: KEYS.anthropicOAuth } });
    log.error(new Error(`exchange failed: {"access_token":"${KEYS.googleAccess}","code_verifier":"${OPAQUE}"}`));
    log.debug("form", `refresh_token=${KEYS.googleRefresh}&client_id=x`);
    log.withTag("auth").info(`token ${KEYS.jwt}`);
    const out = text();
    for (const secret of [...Object.values(KEYS), OPAQUE]) expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
    expect(out).toContain("exchange failed");
  });

  test("maskKnownSecrets masks configured values of any shape, and follows changes", () => {
    const { log, text } = capture();
    let known = ["plain-words-as-a-key"];
    maskKnownSecrets(log, () => known);
    log.info("upstream echoed plain-words-as-a-key back");
    known = ["second-secret-value"];
    log.warn({ echoed: "second-secret-value" });
    log.withTag("x").info("second-secret-value again");
    const out = text();
    expect(out).not.toContain("plain-words-as-a-key");
    expect(out).not.toContain("second-secret-value");
    expect(out).toContain("upstream echoed [redacted] back");
  });

  test("a failing secret source does not break logging", () => {
    const { log, text } = capture();
    maskKnownSecrets(log, () => {
      throw new Error("store unreadable");
    });
    log.info(`still logs, still redacts ${KEYS.google}`);
    expect(text()).toContain("still logs, still redacts [redacted]");
  });
});

describe("error envelopes", () => {
  test("an upstream error echoing a key reaches the client redacted", () => {
    const err = new UpstreamError({ status: 401, message: `Incorrect API key provided: ${KEYS.openaiProject}` });
    const { body } = toAnthropicError(err);
    expect(body.error.message).toBe("Incorrect API key provided: [redacted]");
    expect(toAnthropicError(new Error(`boom ${KEYS.anthropic}`)).body.error.message).not.toContain(KEYS.anthropic);
  });
});
