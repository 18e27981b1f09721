import type { VectorClockValue } from "../clock/vector.js";
import type { RejectReason } from "../wire/message.js";

/** Fields every record has: the event name and the wall time in ms since the Unix epoch. */
interface Base {
  t: number;
}

/** First line of every VM log: the VM's whole configuration. */
export interface StartRecord extends Base {
  event: "start";
  vm: string;
  trial: number;
  rate: number;
  peers: string[];
  transport: string;
  /** The seed as given (or drawn, when none was given). */
  seed: number;
  eventRange: number;
  /** Wall time (ms) of the first tick's deadline, shared by the VMs of a trial. */
  startAt: number;
  /** Seconds of ticking. */
  duration: number;
  epoch: number;
  version: string;
  pid: number;
  host: string;
  /** How the first tick relates to `startAt`: tick n is due at startAt + (n - 1) * 1000 / rate. */
  ticksPlanned: number;
  gapTimeoutMs: number;
  drainMs: number;
  /**
   * Present when this incarnation resumed a log whose previous incarnation crashed (no `stop`):
   * that incarnation's epoch, the ticks it logged, and the bytes of a torn last line cut off.
   * Clocks and per-sender positions continue from what it logged.
   */
  recovered?: { epoch: number; ticks: number; clock: number; tornBytes: number };
}

/** Fields of every tick record. */
interface TickBase extends Base {
  tick: number;
  /** Lamport clock after the event. */
  clock: number;
  /** Messages still waiting in the queue after this tick. */
  queue: number;
  /** Vector clock after the event; a map in the log's JSON. */
  vc: VectorClockValue;
  /** When this tick was due (ms); `t - due` is its lateness. */
  due: number;
}

export interface InternalRecord extends TickBase {
  event: "internal";
}

export interface SendRecord extends TickBase {
  event: "send";
  to: string[];
  seq: number[];
}

export interface ReceiveRecord extends TickBase {
  event: "receive";
  from: string;
  seq: number;
  msgClock: number;
  sentAt: number;
  arrivedAt: number;
  /** The sender's epoch: which incarnation's sequence `seq` belongs to (absent in older logs). */
  epoch?: number;
}

export interface RejectRecord extends Base {
  event: "reject";
  reason: RejectReason;
  detail: string;
  from?: string;
  seq?: number;
  /**
   * How many rejects this record stands for (absent: 1). A VM coalesces repeated rejects of
   * one reason and sender into one record, so a flood cannot fill the disk: `detail` is then
   * the latest one's, `from` present only when the sender is a configured peer, no `seq`.
   * The counts of a log add up to the `stop` record's `rejected`.
   */
  count?: number;
}

export interface GapRecord extends Base {
  event: "gap";
  from: string;
  missing: number[];
  /** The sender's epoch the missing seqs belong to (absent in older logs). */
  epoch?: number;
}

/** A message the sender's fault layer dropped (loss, partition) or sent twice (duplicate). */
export interface FaultRecord extends Base {
  event: "fault";
  kind: "loss" | "partition" | "duplicate";
  to: string;
  seq: number;
}

/** Per-peer counts in the `stop` record, so conservation can be checked per link. */
export interface LinkCounts {
  /** Messages this VM sent to the peer. */
  sent: number;
  /** Messages from the peer taken off the queue by a tick. */
  received: number;
  /** Messages from the peer still in the queue or the reorder buffer at stop. */
  pending: number;
  /** Messages from the peer that arrived ahead of a missing seq and waited in the reorder buffer. */
  reordered?: number;
}

export interface StopRecord extends Base {
  event: "stop";
  ticks: number;
  sent: number;
  received: number;
  pending: number;
  rejected: number;
  reason: "duration" | "signal" | "error";
  links: Record<string, LinkCounts>;
  /** The error message when `reason` is `error`. */
  error?: string;
  /** What the VM process used, from the OS (absent in simulated logs). */
  usage?: ProcessUsage;
}

/** A process's peak memory and CPU time so far (node's `process.resourceUsage()`). */
export interface ProcessUsage {
  /** Peak resident set size, KiB. Counts in full the pages of the node binary that VMs share. */
  maxRssKb: number;
  /**
   * Proportional set size at stop, KiB (Linux): shared pages divided among the processes that
   * map them, so N VMs together use about N times this. Absent where the OS does not say.
   */
  pssKb?: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

export type TickRecord = InternalRecord | SendRecord | ReceiveRecord;

/**
 * The fields of each tick record (after `event`), in the order a VM writes them: the order the
 * Machine builds its records in, so the one JSON.stringify writes. The fast serializer writes
 * exactly these and the fast scanner expects exactly these (log/fast/), so a field added here
 * reaches both, and a field of the interfaces above missing here does not compile.
 */
export const TICK_FIELDS = {
  internal: ["t", "tick", "due", "clock", "vc", "queue"],
  send: ["t", "tick", "due", "clock", "vc", "queue", "to", "seq"],
  receive: [
    "t",
    "tick",
    "due",
    "clock",
    "queue",
    "vc",
    "from",
    "seq",
    "msgClock",
    "sentAt",
    "arrivedAt",
    "epoch",
  ],
} as const satisfies { [K in TickRecord["event"]]: readonly Exclude<keyof TickOf<K>, "event">[] };

/** The tick record of one kind. */
export type TickOf<K extends TickRecord["event"]> = Extract<TickRecord, { event: K }>;

/** The fields of a tick record of kind K, as TICK_FIELDS lists them. */
export type TickField<K extends TickRecord["event"]> = (typeof TICK_FIELDS)[K][number];

type Unlisted<K extends TickRecord["event"]> = Exclude<keyof TickOf<K>, "event" | TickField<K>>;
type Holds<T extends true> = T;
/** Compiles only while TICK_FIELDS lists every field of every tick record. */
export type TickFieldsComplete = Holds<
  [Unlisted<"internal">, Unlisted<"send">, Unlisted<"receive">] extends [never, never, never] ? true : false
>;
export type LogRecord = StartRecord | TickRecord | RejectRecord | GapRecord | FaultRecord | StopRecord;

/** Where the VM's records go. Injected, so tests can keep records in memory. */
export interface LogSink {
  write(record: LogRecord): void;
}
