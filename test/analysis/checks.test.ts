import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { analyzeTrial, fileSource, type TrialAnalysis } from "../../src/analysis/trial.js";
import type { LogRecord } from "../../src/log/schema.js";
import { simulateTrial } from "../../src/sim/trial.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-checks-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** A good simulated trial as JSON lines per VM, to corrupt copies of. */
let good: { id: string; lines: string[] }[] = [];
before(() => {
  good = simulateTrial({
    ids: ["5001", "5002", "5003"],
    rates: [
      { fixed: 6, min: 1, max: 6, multiplier: 1 },
      { fixed: 2, min: 1, max: 6, multiplier: 1 },
      { fixed: 4, min: 1, max: 6, multiplier: 1 },
    ],
    durationS: 20,
    seed: 4,
    trial: 1,
    eventRange: 5,
  }).map((vm) => ({ id: vm.id, lines: vm.records.map((r) => JSON.stringify(r)) }));
});

let n = 0;
/** Writes the trial (after `edit`) to a fresh folder and analyses it. */
async function analyzeEdited(
  edit: (vms: { id: string; lines: string[] }[]) => void,
): Promise<{ result: TrialAnalysis; files: Map<string, string> }> {
  const vms = good.map((vm) => ({ id: vm.id, lines: [...vm.lines] }));
  edit(vms);
  const dir = join(root, `t${++n}`);
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  for (const vm of vms) {
    const file = join(dir, `trial-1_vm-${vm.id}_rate-1.jsonl`);
    files.set(vm.id, file);
    // A torn last line has no newline after it, as when the writer was killed mid-write.
    const complete = vm.lines.at(-1)?.endsWith("}") ?? true;
    writeFileSync(file, `${vm.lines.join("\n")}${complete ? "\n" : ""}`);
  }
  return { result: await analyzeTrial([...files.values()].map(fileSource)), files };
}

/** A log line as JSON.parse gives it (its vector clock a map, whatever the type says). */
const rec = (line: string) => JSON.parse(line) as LogRecord & Record<string, unknown>;
const failing = (r: TrialAnalysis) => r.checks.filter((c) => !c.ok).map((c) => c.name);
const check = (r: TrialAnalysis, name: string) => {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `no check ${name}`);
  return c;
};

describe("checks on corrupted copies of a good log", () => {
  it("pass on the good log itself", async () => {
    const { result } = await analyzeEdited(() => {});
    assert.deepEqual(failing(result), []);
    for (const c of result.checks) assert.ok(c.checked > 0, `${c.name} checked nothing`);
  });

  it("a wrong clock fails lamport and names the record", async () => {
    let line = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[1] as { lines: string[] }).lines;
      line = lines.findIndex((l, i) => i > 3 && "tick" in rec(l));
      const r = rec(lines[line] as string);
      lines[line] = JSON.stringify({ ...r, clock: (r.clock as number) + 1 });
    });
    const lamport = check(result, "lamport");
    assert.equal(lamport.ok, false);
    assert.equal(lamport.violations[0]?.where, `${files.get("5002")}:${line + 1}`);
  });

  it("a receive that did not merge the sender's vector clock fails vector at that record", async () => {
    let line = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[0] as { lines: string[] }).lines;
      line = lines.findIndex((l) => {
        const r = rec(l);
        return (
          r.event === "receive" && ((r.vc as unknown as Record<string, number>)[r.from as string] ?? 0) > 1
        );
      });
      const r = rec(lines[line] as string);
      const vc = { ...(r.vc as unknown as Record<string, number>) };
      vc[r.from as string] = (vc[r.from as string] as number) - 1;
      lines[line] = JSON.stringify({ ...r, vc });
    });
    const vector = check(result, "vector");
    assert.equal(vector.ok, false);
    // The next record (left as the VM wrote it) does not follow from the edited one either.
    assert.deepEqual(
      vector.violations.map((v) => v.where),
      [`${files.get("5001")}:${line + 1}`, `${files.get("5001")}:${line + 2}`],
    );
    assert.deepEqual(failing(result), ["vector"]);
  });

  it("an internal event with an entry for a VM never heard of fails vector", async () => {
    let line = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[2] as { lines: string[] }).lines;
      line = lines.findIndex((l) => rec(l).event === "internal");
      const r = rec(lines[line] as string);
      lines[line] = JSON.stringify({
        ...r,
        vc: { ...(r.vc as unknown as Record<string, number>), "9999": 1 },
      });
    });
    const vector = check(result, "vector");
    assert.equal(vector.violations[0]?.where, `${files.get("5003")}:${line + 1}`);
  });

  it("a duplicated receive fails messages and names the copy", async () => {
    let line = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[0] as { lines: string[] }).lines;
      line = lines.findIndex((l) => rec(l).event === "receive");
      lines.splice(line + 1, 0, lines[line] as string);
    });
    const messages = check(result, "messages");
    assert.equal(messages.ok, false);
    assert.ok(
      messages.violations.some(
        (v) => v.where === `${files.get("5001")}:${line + 2}` && /received twice/.test(v.message),
      ),
      JSON.stringify(messages.violations),
    );
  });

  it("a dropped message (sent, never received nor pending) fails conservation", async () => {
    const { result, files } = await analyzeEdited((vms) => {
      // 5001 claims one more message to 5003 than 5003 ever saw.
      const lines = (vms[0] as { lines: string[] }).lines;
      const sends = lines.map(rec).filter((r) => r.event === "send" && (r.to as string[]).includes("5003"));
      const lastSeq = sends.length;
      const i = lines.findIndex((l, k) => k > 5 && rec(l).event === "internal");
      const r = rec(lines[i] as string);
      lines[i] = JSON.stringify({ ...r, event: "send", to: ["5003"], seq: [lastSeq + 1] });
      const stop = rec(lines.at(-1) as string) as Record<string, unknown> & {
        links: Record<string, { sent: number }>;
      };
      (stop.links["5003"] as { sent: number }).sent += 1;
      lines[lines.length - 1] = JSON.stringify(stop);
    });
    const conservation = check(result, "conservation");
    assert.equal(conservation.ok, false);
    assert.match(conservation.violations[0]?.message ?? "", /link 5001->5003: sent \d+ != received/);
    assert.equal(conservation.violations[0]?.where.startsWith(files.get("5003") as string), true);
  });

  it("over udp the same unseen message is lost in transit, counted, not a failure", async () => {
    const { result } = await analyzeEdited((vms) => {
      for (const vm of vms) {
        const lines = (vm as { lines: string[] }).lines;
        // Every VM of the trial ran on the datagram transport.
        lines[0] = JSON.stringify({ ...rec(lines[0] as string), transport: "udp" });
      }
      const lines = (vms[0] as { lines: string[] }).lines;
      const sends = lines.map(rec).filter((r) => r.event === "send" && (r.to as string[]).includes("5003"));
      const i = lines.findIndex((l, k) => k > 5 && rec(l).event === "internal");
      const r = rec(lines[i] as string);
      lines[i] = JSON.stringify({ ...r, event: "send", to: ["5003"], seq: [sends.length + 1] });
      const stop = rec(lines.at(-1) as string) as Record<string, unknown> & {
        links: Record<string, { sent: number }>;
      };
      (stop.links["5003"] as { sent: number }).sent += 1;
      lines[lines.length - 1] = JSON.stringify(stop);
    });
    assert.equal(check(result, "conservation").ok, true, JSON.stringify(check(result, "conservation")));
    assert.equal(result.lostInTransit, 1);
    assert.equal(result.lostWithCrashes, 0);
  });

  it("two receives of a link swapped fail fifo and name the later one", async () => {
    let second = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[1] as { lines: string[] }).lines;
      const fromFirst = lines
        .map((l, i) => [rec(l), i] as const)
        .filter(([r]) => r.event === "receive" && r.from === "5001")
        .map(([, i]) => i);
      const [a, b] = [fromFirst[2] as number, fromFirst[3] as number];
      second = b;
      const ra = rec(lines[a] as string);
      const rb = rec(lines[b] as string);
      const msg = (r: Record<string, unknown>) => ({
        seq: r.seq,
        msgClock: r.msgClock,
        sentAt: r.sentAt,
        arrivedAt: r.arrivedAt,
      });
      lines[a] = JSON.stringify({ ...ra, ...msg(rb) });
      lines[b] = JSON.stringify({ ...rb, ...msg(ra) });
    });
    const fifo = check(result, "fifo");
    assert.equal(fifo.ok, false);
    assert.equal(fifo.violations[0]?.where, `${files.get("5002")}:${second + 1}`);
  });

  it("a torn last line fails readable and names it", async () => {
    let last = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[2] as { lines: string[] }).lines;
      last = lines.length;
      lines[last - 1] = (lines[last - 1] as string).slice(0, 25);
    });
    const readable = check(result, "readable");
    assert.equal(readable.ok, false);
    assert.equal(readable.violations[0]?.where, `${files.get("5003")}:${last}`);
    assert.equal(check(result, "structure").ok, false, "the missing stop record goes unnoticed");
  });
});

describe("lines that are not records", () => {
  it("a foreign line inserted as line 50 gives one readable failure, every other check passes", async () => {
    const { result, files } = await analyzeEdited((vms) => {
      (vms[0] as { lines: string[] }).lines.splice(49, 0, '{"foo":1}');
    });
    assert.deepEqual(failing(result), ["readable"]);
    const readable = check(result, "readable");
    assert.equal(readable.failures, 1);
    assert.deepEqual(readable.violations, [{ where: `${files.get("5001")}:50`, message: 'no "event"' }]);
    const lines = good.reduce((n, vm) => n + vm.lines.length, 0);
    assert.equal(readable.checked, lines + 1);
  });

  it("a tick record damaged in place gives one readable failure, not a cascade", async () => {
    let line = 0;
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[0] as { lines: string[] }).lines;
      line = lines.findIndex((l, i) => i > 10 && rec(l).event === "internal");
      lines[line] = (lines[line] as string).replace('"tick":', '"tick":-');
    });
    assert.deepEqual(failing(result), ["readable"]);
    assert.equal(check(result, "readable").violations[0]?.where, `${files.get("5001")}:${line + 1}`);
    assert.match(
      check(result, "readable").violations[0]?.message ?? "",
      /"tick" is -\d+, not an integer >= 1/,
    );
  });

  it("a file of many bad lines lists the first three and counts the rest", async () => {
    const { result, files } = await analyzeEdited((vms) => {
      const lines = (vms[2] as { lines: string[] }).lines;
      for (let i = 0; i < 50; i++) lines.splice(5, 0, `\u0000\u0001 binary ${i}`);
    });
    assert.deepEqual(failing(result), ["readable"]);
    const readable = check(result, "readable");
    assert.equal(readable.failures, 50);
    const file = files.get("5003");
    assert.deepEqual(
      readable.violations.map((v) => v.where),
      [`${file}:6`, `${file}:7`, `${file}:8`, `${file}:55`],
    );
    assert.equal(
      readable.violations[3]?.message,
      "and 47 more line(s) of this file that are not records, the last here",
    );
  });
});

describe("statistics on a hand-made log", () => {
  // A: rate 2, 6 ticks at 0, 500, ..., 2500; sends at 1500 with clock 4.
  // B: rate 1, 3 ticks at 0 (0.5 ms late), 1000, 2000; receives A's message at 2000: clock
  //    max(2, 4) + 1 = 5, a jump of 5 - 2 - 1 = 2. Latency 0.5 ms, then 499.5 ms in the queue.
  const start = (vm: string, peers: string[], rate: number, ticks: number) => ({
    event: "start",
    t: -1,
    vm,
    trial: 1,
    rate,
    peers,
    transport: "memory",
    seed: 1,
    eventRange: 3,
    startAt: 0,
    duration: 3,
    epoch: 1,
    version: "x",
    pid: 1,
    host: "h",
    ticksPlanned: ticks,
    gapTimeoutMs: 2000,
    drainMs: 0,
  });
  const a: object[] = [start("A", ["B"], 2, 6)];
  for (const c of [1, 2, 3]) {
    const t = (c - 1) * 500;
    a.push({ event: "internal", t, due: t, tick: c, clock: c, queue: 0, vc: { A: c } });
  }
  a.push({
    event: "send",
    t: 1500,
    due: 1500,
    tick: 4,
    clock: 4,
    queue: 0,
    vc: { A: 4 },
    to: ["B"],
    seq: [1],
  });
  a.push({ event: "internal", t: 2000, due: 2000, tick: 5, clock: 5, queue: 0, vc: { A: 5 } });
  a.push({ event: "internal", t: 2500, due: 2500, tick: 6, clock: 6, queue: 0, vc: { A: 6 } });
  a.push({
    event: "stop",
    t: 3000,
    ticks: 6,
    sent: 1,
    received: 0,
    pending: 0,
    rejected: 0,
    reason: "duration",
    links: { B: { sent: 1, received: 0, pending: 0 } },
  });
  const b: object[] = [start("B", ["A"], 1, 3)];
  b.push({ event: "internal", t: 0.5, due: 0, tick: 1, clock: 1, queue: 0, vc: { B: 1 } });
  b.push({ event: "internal", t: 1000, due: 1000, tick: 2, clock: 2, queue: 0, vc: { B: 2 } });
  b.push({
    event: "receive",
    t: 2000,
    due: 2000,
    tick: 3,
    clock: 5,
    queue: 0,
    vc: { A: 4, B: 3 },
    from: "A",
    seq: 1,
    msgClock: 4,
    sentAt: 1500,
    arrivedAt: 1500.5,
  });
  b.push({
    event: "stop",
    t: 3000,
    ticks: 3,
    sent: 0,
    received: 1,
    pending: 0,
    rejected: 0,
    reason: "duration",
    links: { A: { sent: 0, received: 1, pending: 0 } },
  });

  it("match the values computed by hand", async () => {
    const dir = join(root, "hand");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "trial-1_vm-A_rate-2.jsonl"), `${a.map((r) => JSON.stringify(r)).join("\n")}\n`);
    writeFileSync(join(dir, "trial-1_vm-B_rate-1.jsonl"), `${b.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const result = await analyzeTrial(
      ["A", "B"].map((vm) => fileSource(join(dir, `trial-1_vm-${vm}_rate-${vm === "A" ? 2 : 1}.jsonl`))),
    );
    assert.deepEqual(failing(result), []);
    const [sa, sb] = result.vms;
    assert.ok(sa && sb);
    assert.deepEqual(sa.events, { internal: 5, send: 1, receive: 0, reject: 0, gap: 0, fault: 0 });
    assert.equal(sa.finalClock, 6);
    assert.equal(sa.clockPerSecond, 2);
    assert.equal(sa.jumps.count, 0);
    assert.equal(sa.meanStep, 1);
    assert.equal(sb.finalClock, 5);
    assert.equal(sb.clockPerRate, 1.667);
    assert.deepEqual(sb.jumps, { count: 1, mean: 2, p95: 2, max: 2 });
    assert.equal(sb.meanStep, 1.667);
    assert.deepEqual(sb.latencyMs, { count: 1, p50: 0.5, p99: 0.5, max: 0.5 });
    assert.deepEqual(sb.waitMs, { mean: 499.5, p99: 499.5, max: 499.5 });
    assert.deepEqual(sb.latenessMs, { mean: 0.167, p99: 0.5, max: 0.5 });
    assert.deepEqual(sb.queue, { mean: 0, p95: 0, max: 0, final: 0 });
    // God's-eye lag, sampled every 50 ms from 0 to 3000 (61 points; a sample at T counts every
    // tick at or before T). B trails by 1 at 0 (its first tick is at 0.5), by 1 on [500, 1500),
    // by 2 on [1500, 2000), by 0 on [2000, 2500) and by 1 on [2500, 3000].
    assert.equal(sb.lag.max, 2);
    assert.equal(sb.lag.final, 1);
    assert.equal(sb.lag.mean, Math.round(((1 + 20 * 1 + 10 * 2 + 11 * 1) / 61) * 1000) / 1000);
    assert.equal(sa.lag.max, 0);
    assert.deepEqual(result.spread, { mean: sb.lag.mean, max: 2, final: 1 });
    assert.equal(result.firstTickSpreadMs, 0.5);
    assert.deepEqual(result.jumpHistogram.B, [[2, 1]]);
  });
});
