import type { LogRecord } from "./schema.js";

/** One field's rule: what it must hold, said the way a failure message says it. */
interface Rule {
  test(value: unknown): boolean;
  expected: string;
}

const rule = (expected: string, test: (value: unknown) => boolean): Rule => ({ expected, test });
const integer = (min: number) =>
  rule(`an integer >= ${min}`, (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= min);
const NUMBER = rule("a finite number", (v) => typeof v === "number" && Number.isFinite(v));
const POSITIVE = rule("a number > 0", (v) => typeof v === "number" && Number.isFinite(v) && v > 0);
const NON_NEGATIVE = rule("a number >= 0", (v) => typeof v === "number" && Number.isFinite(v) && v >= 0);
const COUNT = integer(0);
const SEQ = integer(1);
const STRING = rule("a string", (v) => typeof v === "string");
const ID = rule("a non-empty string", (v) => typeof v === "string" && v.length > 0);
const IDS = rule("an array of strings", (v) => Array.isArray(v) && v.every((x) => typeof x === "string"));
const SEQS = rule("an array of integers >= 1", (v) => Array.isArray(v) && v.every((x) => SEQ.test(x)));
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const VC = rule(
  "an object of integers >= 0",
  (v) => isObject(v) && Object.values(v).every((x) => COUNT.test(x)),
);
const oneOf = (...values: string[]) =>
  rule(values.map((x) => `"${x}"`).join(" or "), (v) => typeof v === "string" && values.includes(v));
const RECOVERED = rule(
  "an object of integers epoch, ticks, clock, tornBytes",
  (v) => isObject(v) && ["epoch", "ticks", "clock", "tornBytes"].every((k) => COUNT.test(v[k])),
);
const LINKS = rule(
  "an object of {sent, received, pending} counts per peer",
  (v) =>
    isObject(v) &&
    Object.values(v).every(
      (l) =>
        isObject(l) &&
        ["sent", "received", "pending"].every((k) => COUNT.test(l[k])) &&
        (l.reordered === undefined || COUNT.test(l.reordered)),
    ),
);
const USAGE = rule(
  "an object of numbers",
  (v) => isObject(v) && Object.values(v).every((x) => NUMBER.test(x)),
);

/** Fields of a record kind: required ones, and optional ones checked only when present. */
interface Shape {
  required: Record<string, Rule>;
  optional?: Record<string, Rule>;
}

const TICK = { t: NUMBER, tick: SEQ, clock: COUNT, queue: COUNT, vc: VC };
/** `due` is the VMs' own addition to the tick fields of the specification (for lateness). */
const TICK_OPTIONAL = { due: NUMBER };

/**
 * Every record kind of the log (../shared/SPEC.md section 4, src/log/schema.ts) and what its
 * fields must hold for `inspect` to use it: required fields, and the types of optional ones.
 * Fields nobody reads are not checked, so a log written by another program (a peer in another
 * language) needs only what the specification lists.
 */
const SHAPES: Record<LogRecord["event"], Shape> = {
  start: {
    required: {
      t: NUMBER,
      vm: ID,
      trial: COUNT,
      rate: POSITIVE,
      peers: IDS,
      startAt: NUMBER,
      duration: NON_NEGATIVE,
      epoch: COUNT,
    },
    optional: {
      transport: STRING,
      eventRange: COUNT,
      version: STRING,
      host: STRING,
      ticksPlanned: COUNT,
      gapTimeoutMs: NON_NEGATIVE,
      drainMs: NON_NEGATIVE,
      recovered: RECOVERED,
    },
  },
  internal: { required: TICK, optional: TICK_OPTIONAL },
  send: { required: { ...TICK, to: IDS, seq: SEQS }, optional: TICK_OPTIONAL },
  receive: {
    required: { ...TICK, from: ID, seq: SEQ, msgClock: COUNT, sentAt: NUMBER, arrivedAt: NUMBER },
    optional: { ...TICK_OPTIONAL, epoch: COUNT },
  },
  reject: { required: { t: NUMBER, reason: ID }, optional: { detail: STRING, from: STRING, count: SEQ } },
  gap: { required: { t: NUMBER, from: ID, missing: SEQS }, optional: { epoch: COUNT } },
  fault: { required: { t: NUMBER, kind: oneOf("loss", "partition", "duplicate"), to: ID, seq: SEQ } },
  stop: {
    required: {
      t: NUMBER,
      ticks: COUNT,
      sent: COUNT,
      received: COUNT,
      pending: COUNT,
      rejected: COUNT,
      reason: oneOf("duration", "signal", "error"),
    },
    optional: { links: LINKS, error: STRING, usage: USAGE },
  },
};

/** The record kinds, in the order the specification lists them. */
const RECORD_KINDS = Object.keys(SHAPES) as LogRecord["event"][];

/** A value in a message: JSON, cut short. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * Why a parsed JSON value is not a record of the log schema, naming the field (`no "event"`,
 * `event "foo" is not a record kind`, `send record: "tick" is 1.5, not an integer >= 1`), or
 * undefined when it is one. The general path: the tick lines the VMs write are read by
 * TickScanner, which accepts only lines this would accept too.
 */
export function recordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `${show(value)} is not a JSON object`;
  const event = value.event;
  if (event === undefined) return 'no "event"';
  if (typeof event !== "string" || !Object.hasOwn(SHAPES, event)) {
    return `event ${show(event)} is not a record kind (${RECORD_KINDS.join(", ")})`;
  }
  const shape = SHAPES[event as LogRecord["event"]];
  for (const [field, r] of Object.entries(shape.required)) {
    const v = value[field];
    if (v === undefined) return `${event} record: no "${field}"`;
    if (!r.test(v)) return `${event} record: "${field}" is ${show(v)}, not ${r.expected}`;
  }
  for (const [field, r] of Object.entries(shape.optional ?? {})) {
    const v = value[field];
    if (v !== undefined && !r.test(v)) return `${event} record: "${field}" is ${show(v)}, not ${r.expected}`;
  }
  if (event === "send" && (value.to as unknown[]).length !== (value.seq as unknown[]).length)
    return 'send record: "to" and "seq" differ in length';
  return undefined;
}
