import type { Located } from "../log/reader.js";
import type { GapRecord, ReceiveRecord } from "../log/schema.js";
import type { SendIndex } from "./send-index.js";
import type { TrialCollectors } from "./trial-checks.js";

/** Seqs above this are not tracked for duplicates (a corrupt log must not allocate gigabytes). */
const MAX_TRACKED_SEQ = 100_000_000;

/** Per sender, what this VM took in. */
export interface InboundLink {
  received: number;
  /** Messages delivered to a full queue and refused (`reject` with reason `queue-full`). */
  refused: number;
  /** The seqs given up on in `gap` records, per sender epoch (NaN: a gap record without epoch). */
  gaps: Map<number, Set<number>>;
  /** Per sender epoch: the highest seq received, and which were (a bitset; duplicates show here). */
  streams: Map<number, { lastSeq: number; seen: Uint8Array }>;
}

/** The link from `from` in `links`, created empty when first seen. */
export function inboundLink(links: Map<string, InboundLink>, from: string): InboundLink {
  let link = links.get(from);
  if (link === undefined) {
    link = { received: 0, refused: 0, gaps: new Map(), streams: new Map() };
    links.set(from, link);
  }
  return link;
}

/** Notes the seqs a `gap` record gave up on, under the sender epoch it names. */
export function addGap(link: InboundLink, r: GapRecord): void {
  const epoch = r.epoch ?? Number.NaN;
  const set = link.gaps.get(epoch) ?? new Set<number>();
  for (const seq of r.missing) set.add(seq);
  link.gaps.set(epoch, set);
}

/**
 * Counts a receive on its link and checks it against the sender's log: received once, in
 * FIFO order per sender epoch, sent with the Lamport stamp it carries, and received later.
 */
export function checkReceive(
  l: Located<ReceiveRecord>,
  link: InboundLink,
  vm: string,
  c: Pick<TrialCollectors, "messages" | "fifo">,
  sends: SendIndex,
): void {
  const r = l.record;
  link.received += 1;
  const epoch = r.epoch ?? Number.NaN;
  let stream = link.streams.get(epoch);
  if (stream === undefined) {
    stream = { lastSeq: 0, seen: new Uint8Array(64) };
    link.streams.set(epoch, stream);
  }
  c.messages.checked += 1;
  c.fifo.checked += 1;
  if (r.seq <= MAX_TRACKED_SEQ) {
    if (r.seq < stream.seen.length * 8 && (stream.seen[r.seq >> 3] ?? 0) & (1 << (r.seq & 7))) {
      c.messages.fail(l, `message ${r.from}->${vm} seq ${r.seq} received twice`);
    }
    markSeen(stream, r.seq);
  }
  if (r.seq <= stream.lastSeq) c.fifo.fail(l, `seq ${r.seq} from ${r.from} after seq ${stream.lastSeq}`);
  stream.lastSeq = Math.max(stream.lastSeq, r.seq);
  const stamp = sends.clock(r.from, vm, r.seq, r.epoch);
  if (stamp === undefined) c.messages.fail(l, `no send of ${r.from}->${vm} seq ${r.seq} in the logs`);
  else if (stamp !== r.msgClock)
    c.messages.fail(l, `msgClock ${r.msgClock}, but the send has clock ${stamp}`);
  if (r.clock <= r.msgClock)
    c.messages.fail(l, `receive clock ${r.clock} is not larger than msgClock ${r.msgClock}`);
}

function markSeen(link: { seen: Uint8Array }, seq: number): void {
  if (seq >> 3 >= link.seen.length) {
    const grown = new Uint8Array(Math.max(link.seen.length * 2, (seq >> 3) + 1));
    grown.set(link.seen);
    link.seen = grown;
  }
  link.seen[seq >> 3] = (link.seen[seq >> 3] ?? 0) | (1 << (seq & 7));
}
