import type { Located } from "../log/reader.js";
import type {
  LogRecord,
  ReceiveRecord,
  SendRecord,
  StartRecord,
  StopRecord,
  TickRecord,
} from "../log/schema.js";
import { lamportLocal, lamportReceive, type VectorClock, vectorLocal, vectorReceive } from "../vm/clocks.js";

/** One failed expectation, with where it was found. */
export interface Violation {
  where: string;
  message: string;
}

/** The outcome of one check over a trial. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** How many items the check looked at. */
  checked: number;
  /** How many violations in all; `violations` keeps only the first few. */
  failures: number;
  violations: Violation[];
}

/** One VM's log of one trial, split by record kind. */
export interface VmLog {
  vm: string;
  file: string;
  start: Located<StartRecord> | undefined;
  stop: Located<StopRecord> | undefined;
  ticks: Located<TickRecord>[];
  all: Located[];
}

const KEEP = 10;

class Collector {
  checked = 0;
  failures = 0;
  readonly violations: Violation[] = [];
  constructor(readonly name: string) {}
  fail(at: Located | string, message: string): void {
    this.failures += 1;
    const where = typeof at === "string" ? at : `${at.file}:${at.line}`;
    if (this.violations.length < KEEP) this.violations.push({ where, message });
  }
  result(): CheckResult {
    const { name, checked, failures, violations } = this;
    return { name, ok: failures === 0, checked, failures, violations };
  }
}

const isTick = (r: LogRecord): r is TickRecord =>
  r.event === "internal" || r.event === "send" || r.event === "receive";

/** Splits one VM's records into start, ticks and stop. */
export function toVmLog(records: Located[]): VmLog {
  const first = records[0];
  const start = first?.record.event === "start" ? (first as Located<StartRecord>) : undefined;
  const last = records.at(-1);
  const stop = last?.record.event === "stop" ? (last as Located<StopRecord>) : undefined;
  return {
    vm: start?.record.vm ?? "?",
    file: first?.file ?? "?",
    start,
    stop,
    ticks: records.filter((l): l is Located<TickRecord> => isTick(l.record)),
    all: records,
  };
}

/** `start` first, `stop` last, ticks numbered 1, 2, 3, ... */
export function checkStructure(logs: VmLog[]): CheckResult {
  const c = new Collector("structure");
  for (const log of logs) {
    c.checked += 1;
    if (log.start === undefined) c.fail(`${log.file}:1`, "first record is not start");
    if (log.stop === undefined) c.fail(`${log.file}:${log.all.length}`, "last record is not stop");
    log.ticks.forEach((l, i) => {
      if (l.record.tick !== i + 1) c.fail(l, `tick ${l.record.tick}, expected ${i + 1}`);
    });
    if (log.stop !== undefined && log.stop.record.ticks !== log.ticks.length) {
      c.fail(log.stop, `stop says ${log.stop.record.ticks} ticks, the log has ${log.ticks.length}`);
    }
  }
  return c.result();
}

/** Lamport rules: local events add one; a receive is max(clock, msgClock) + 1. */
export function checkLamport(logs: VmLog[]): CheckResult {
  const c = new Collector("lamport");
  for (const log of logs) {
    let clock = 0;
    for (const l of log.ticks) {
      c.checked += 1;
      const r = l.record;
      const expected = r.event === "receive" ? lamportReceive(clock, r.msgClock) : lamportLocal(clock);
      if (r.clock !== expected)
        c.fail(l, `${r.event} clock ${r.clock}, expected ${expected} (previous ${clock})`);
      clock = r.clock;
    }
  }
  return c.result();
}

type SendIndex = Map<string, Located<SendRecord>>;
const linkKey = (from: string, to: string, seq: number) => `${from}>${to}#${seq}`;

function indexSends(logs: VmLog[]): SendIndex {
  const index: SendIndex = new Map();
  for (const log of logs) {
    for (const l of log.ticks) {
      if (l.record.event !== "send") continue;
      const send = l as Located<SendRecord>;
      send.record.to.forEach((to, i) => {
        index.set(linkKey(log.vm, to, send.record.seq[i] ?? -1), send);
      });
    }
  }
  return index;
}

/** Every receive matches exactly one send with the same stamp, and lands later in logical time. */
export function checkMessages(logs: VmLog[]): CheckResult {
  const c = new Collector("messages");
  const sends = indexSends(logs);
  const seen = new Set<string>();
  for (const log of logs) {
    for (const l of log.ticks) {
      if (l.record.event !== "receive") continue;
      const r = l.record as ReceiveRecord;
      c.checked += 1;
      const key = linkKey(r.from, log.vm, r.seq);
      const send = sends.get(key);
      if (seen.has(key)) c.fail(l, `message ${r.from}->${log.vm} seq ${r.seq} received twice`);
      seen.add(key);
      if (send === undefined) {
        c.fail(l, `no send of ${r.from}->${log.vm} seq ${r.seq}`);
        continue;
      }
      if (send.record.clock !== r.msgClock) {
        c.fail(
          l,
          `msgClock ${r.msgClock}, but the send (${send.file}:${send.line}) has clock ${send.record.clock}`,
        );
      }
      if (r.clock <= r.msgClock)
        c.fail(l, `receive clock ${r.clock} is not larger than msgClock ${r.msgClock}`);
    }
  }
  return c.result();
}

/** Vector clocks: own entry +1 per event; a receive merges the matching send's vector. */
export function checkVector(logs: VmLog[]): CheckResult {
  const c = new Collector("vector");
  const sends = indexSends(logs);
  const same = (a: VectorClock, b: VectorClock) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  for (const log of logs) {
    let vc: VectorClock = {};
    for (const l of log.ticks) {
      c.checked += 1;
      const r = l.record;
      let expected: VectorClock;
      if (r.event === "receive") {
        const send = sends.get(linkKey(r.from, log.vm, r.seq));
        expected = vectorReceive(vc, send?.record.vc ?? {}, log.vm);
        if (send === undefined) expected = { ...r.vc }; // reported by the messages check
      } else {
        expected = vectorLocal(vc, log.vm);
      }
      if (!same(r.vc, expected))
        c.fail(l, `vc ${JSON.stringify(r.vc)}, expected ${JSON.stringify(expected)}`);
      vc = r.vc;
    }
  }
  return c.result();
}

/** Per link, messages are received in send order. */
export function checkFifo(logs: VmLog[]): CheckResult {
  const c = new Collector("fifo");
  for (const log of logs) {
    const last = new Map<string, number>();
    for (const l of log.ticks) {
      if (l.record.event !== "receive") continue;
      const r = l.record as ReceiveRecord;
      c.checked += 1;
      const prev = last.get(r.from) ?? 0;
      if (r.seq <= prev) c.fail(l, `seq ${r.seq} from ${r.from} after seq ${prev}`);
      last.set(r.from, r.seq);
    }
  }
  return c.result();
}

/**
 * Nothing lost: per link, what the sender logged as sent equals what the receiver took off
 * its queue plus what was still pending at its stop, plus seqs it gave up on in `gap` records.
 */
export function checkConservation(logs: VmLog[]): CheckResult {
  const c = new Collector("conservation");
  const byVm = new Map(logs.map((log) => [log.vm, log]));
  for (const sender of logs) {
    const sentTo = new Map<string, number>();
    for (const l of sender.ticks) {
      if (l.record.event === "send") for (const to of l.record.to) sentTo.set(to, (sentTo.get(to) ?? 0) + 1);
    }
    for (const [to, sent] of sentTo) {
      c.checked += 1;
      const receiver = byVm.get(to);
      const where = sender.stop ?? `${sender.file}:${sender.all.length}`;
      if (receiver === undefined) {
        c.fail(where, `${sent} sent to ${to}, which has no log in this trial`);
        continue;
      }
      const received = receiver.ticks.filter(
        (l) => l.record.event === "receive" && l.record.from === sender.vm,
      ).length;
      const pending = receiver.stop?.record.links[sender.vm]?.pending ?? 0;
      let gaps = 0;
      for (const l of receiver.all)
        if (l.record.event === "gap" && l.record.from === sender.vm) gaps += l.record.missing.length;
      if (sent !== received + pending + gaps) {
        c.fail(
          receiver.stop ?? where,
          `link ${sender.vm}->${to}: sent ${sent} != received ${received} + pending ${pending} + gap ${gaps}`,
        );
      }
      const claimed = sender.stop?.record.links[to]?.sent;
      if (claimed !== undefined && claimed !== sent)
        c.fail(where, `stop says ${claimed} sent to ${to}, log has ${sent}`);
    }
  }
  return c.result();
}

/** All checks over one trial's logs. */
export function checkTrial(logs: VmLog[]): CheckResult[] {
  return [checkStructure, checkLamport, checkVector, checkMessages, checkFifo, checkConservation].map(
    (check) => check(logs),
  );
}
