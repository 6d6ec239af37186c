import { describe, expect, test } from "bun:test";
import { endsStream } from "../../src/stream/sse-terminal.ts";
import { readFixture } from "../helpers/sse.ts";

const ends = (text: string) => endsStream(new TextEncoder().encode(text));

describe("endsStream", () => {
  test("a message_stop event or an error event ends the stream", () => {
    expect(ends('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(ends("event:message_stop\r\ndata: {}\r\n\r\n")).toBe(true);
    expect(ends('data: {"type": "message_stop"}\n\n')).toBe(true);
    expect(ends('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"x"}}\n\n')).toBe(
      true,
    );
    expect(ends("event:error\r\ndata: {}\r\n\r\n")).toBe(true);
  });

  test("the words in content do not", () => {
    expect(
      ends(
        'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"message_stop error event: error"}}\n\n',
      ),
    ).toBe(false);
    expect(ends("event: errors\ndata: {}\n\n")).toBe(false);
  });

  test("a real end after a false hit in the same chunk is found", () => {
    const text = `event: content_block_delta\ndata: {"delta":{"text":"say message_stop and error"}}\n\n${"x".repeat(100)}\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`;
    expect(ends(text)).toBe(true);
  });

  test("the fixtures: complete streams end, the error stream ends with its error, a cut one does not", () => {
    for (const name of ["stream-text", "stream-tool-use", "stream-thinking", "stream-web-search", "stream-error"]) {
      expect(ends(readFixture(`anthropic/${name}.sse`))).toBe(true);
    }
    const text = readFixture("anthropic/stream-text.sse");
    expect(ends(text.slice(0, text.indexOf("event: message_stop")))).toBe(false);
  });
});
