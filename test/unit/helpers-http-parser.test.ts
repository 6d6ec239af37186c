import { describe, expect, test } from "bun:test";
import { HttpParseError, HttpRequestParser } from "../helpers/http-request-parser.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("HttpRequestParser", () => {
  test("pipelined length and chunked requests, fed one byte at a time", () => {
    const wire =
      "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello" +
      "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n" +
      "GET /c HTTP/1.0\r\n\r\n";
    const parser = new HttpRequestParser();
    const got = [...enc(wire)].flatMap((byte) => parser.push(new Uint8Array([byte])));
    expect(got.map((r) => [r.method, r.target, dec(r.body), r.keepAlive])).toEqual([
      ["POST", "/a?x=1", "hello", true],
      ["POST", "/b", "abcde", false],
      ["GET", "/c", "", false],
    ]);
    expect(got[0]!.headers["x-a"]).toBe("1, 2");
    expect(parser.midRequest).toBe(false);
  });

  test("garbage throws HttpParseError with a status", () => {
    expect(() => new HttpRequestParser().push(enc("NOT HTTP\r\n\r\n"))).toThrow(HttpParseError);
    expect(() => new HttpRequestParser().push(enc("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"))).toThrow(
      /content-length/,
    );
    expect(() =>
      new HttpRequestParser().push(enc("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")),
    ).toThrow(/chunk size/);
  });
});
