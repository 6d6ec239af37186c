import type { StreamEvent } from "../../contracts/anthropic.ts";
import {
  blockDeltaEvent,
  blockStartEvent,
  blockStopEvent,
  emptyBlock,
  fragmentDelta,
  type StreamedKind,
} from "../../stream/event-writer.ts";
import { toolUseId, type IdFactory } from "../shared/ids.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";

/**
 * Orders upstream content into Anthropic's strictly sequential blocks. The head of the queue
 * streams live; content for any other block waits in its own segment until the head is done.
 * A tool call is done once its arguments parse as JSON (or at finish), so sequential parallel
 * calls stream live while interleaved ones are still kept apart correctly.
 */

interface Segment {
  kind: StreamedKind;
  /** Anthropic content-block index, assigned when the block starts. */
  index: number;
  open: boolean;
  waiting: string[];
  id?: string;
  name?: string;
  args: string;
}

export interface BlockState {
  queue: Segment[];
  tools: Map<string, Segment>;
  nextIndex: number;
  idFactory?: IdFactory;
}

export function initBlocks(idFactory?: IdFactory): BlockState {
  return { queue: [], tools: new Map(), nextIndex: 0, idFactory };
}

const newSegment = (kind: StreamedKind): Segment => ({ kind, index: -1, open: false, waiting: [], args: "" });

/** Text or thinking content. */
export function addText(st: BlockState, kind: "text" | "thinking", text: string, out: StreamEvent[]): void {
  if (text === "") return;
  let seg = st.queue.at(-1);
  if (!seg || seg.kind !== kind) {
    seg = newSegment(kind);
    st.queue.push(seg);
  }
  push(seg, text, out);
  advance(st, out);
}

export interface ToolFragment {
  id?: string;
  name?: string;
  args?: string;
}

/** One tool-call fragment; `key` tells parallel calls apart. */
export function addToolFragment(st: BlockState, key: string, frag: ToolFragment, out: StreamEvent[]): void {
  let seg = st.tools.get(key);
  if (!seg) {
    seg = newSegment("tool_use");
    st.tools.set(key, seg);
    st.queue.push(seg);
  }
  if (!seg.id && frag.id) seg.id = frag.id;
  if (!seg.name && frag.name) seg.name = frag.name;
  if (frag.args) {
    seg.args += frag.args;
    push(seg, frag.args, out);
  }
  advance(st, out);
}

function push(seg: Segment, fragment: string, out: StreamEvent[]): void {
  if (seg.open) out.push(deltaEvent(seg, fragment));
  else seg.waiting.push(fragment);
}

function advance(st: BlockState, out: StreamEvent[]): void {
  for (;;) {
    const head = st.queue[0];
    if (!head) return;
    if (!head.open) {
      if (head.kind === "tool_use" && !head.name) return;
      start(st, head, out);
    }
    if (st.queue.length < 2 || !isComplete(head)) return;
    stop(head, out);
    st.queue.shift();
  }
}

function isComplete(seg: Segment): boolean {
  if (seg.kind !== "tool_use") return true;
  try {
    JSON.parse(seg.args);
    return true;
  } catch {
    return false;
  }
}

/** Starts and stops every remaining block. Returns the problem when a tool call never got a name. */
export function finishBlocks(st: BlockState, out: StreamEvent[]): string | undefined {
  while (st.queue.length > 0) {
    const head = st.queue[0]!;
    if (!head.open) {
      if (head.kind === "tool_use" && !head.name) {
        st.queue = [];
        return "upstream sent a tool call without a function name";
      }
      start(st, head, out);
    }
    stop(head, out);
    st.queue.shift();
  }
  return undefined;
}

/** Stops the live block, discards what never started (before an error event). */
export function abortBlocks(st: BlockState, out: StreamEvent[]): void {
  const head = st.queue[0];
  if (head?.open) stop(head, out);
  st.queue = [];
}

function start(st: BlockState, seg: Segment, out: StreamEvent[]): void {
  seg.index = st.nextIndex++;
  seg.open = true;
  if (seg.kind === "tool_use") seg.id ||= toolUseId(st.idFactory);
  const tool = seg.kind === "tool_use" ? { id: seg.id ?? "", name: seg.name ?? "" } : undefined;
  out.push(blockStartEvent(seg.index, emptyBlock(seg.kind, tool)));
  for (const fragment of seg.waiting) out.push(deltaEvent(seg, fragment));
  seg.waiting = [];
}

function stop(seg: Segment, out: StreamEvent[]): void {
  if (seg.kind === "thinking") {
    out.push(blockDeltaEvent(seg.index, { type: "signature_delta", signature: PLACEHOLDER_SIGNATURE }));
  }
  out.push(blockStopEvent(seg.index));
  seg.open = false;
}

function deltaEvent(seg: Segment, fragment: string): StreamEvent {
  return blockDeltaEvent(seg.index, fragmentDelta(seg.kind, fragment));
}
