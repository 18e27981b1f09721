import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as zmq from "zeromq";
import { createRng, deriveSeed, randomInt } from "../../src/base/rng.js";
import { vcOf } from "../../src/clock/vector.js";
import { type Located, readLog } from "../../src/log/reader.js";
import type { RejectRecord, StartRecord, StopRecord, TickRecord } from "../../src/log/schema.js";
import { chooseRate, DEFAULT_RATE } from "../../src/vm/rate.js";
import { encodeMessage } from "../../src/wire/codec.js";
import { freePorts, killAll, othersOf, startCli } from "../helpers/processes.js";
import { analyzeFolder } from "../helpers/trial-logs.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-it-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

/** The first seed from 1 up whose VM `id` (trial 1) draws one of `draws` on its first tick. */
function seedWhereFirstDrawSendsTo(id: string, eventRange: number, draws: number[]): number {
  for (let seed = 1; ; seed++) {
    const rng = createRng(deriveSeed(seed, id, 1));
    chooseRate(DEFAULT_RATE, rng);
    if (draws.includes(randomInt(rng, 1, eventRange))) return seed;
  }
}

/** Far enough ahead for every process (started through tsx) to be listening. */
const START_DELAY_MS = 4000;

/**
 * Starts 3 VMs on one shared start time. With `late`, the last VM's process is spawned only when
 * the others start ticking, and its first tick is `late` ms after theirs (all end together), so
 * the others send to it before it is even listening.
 */
async function startTrial(
  ports: number[],
  dir: string,
  opts: { durationS: number; seed: number; late?: number; extra?: string[] },
) {
  const startAt = Date.now() + START_DELAY_MS;
  const spawnVm = (port: number, late: number) =>
    startCli([
      "vm",
      "--port",
      String(port),
      "--others",
      ...othersOf(ports, port),
      "--duration",
      String(opts.durationS - late / 1000),
      "--start-at",
      String(startAt + late),
      "--seed",
      String(opts.seed),
      "--event-range",
      "5",
      "--log-dir",
      dir,
      "--quiet",
      ...(opts.extra ?? []),
    ]);
  const late = opts.late ?? 0;
  const first = ports.slice(0, late > 0 ? -1 : undefined).map((port) => spawnVm(port, 0));
  if (late === 0) return first;
  await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
  return [...first, spawnVm(ports.at(-1) as number, late)];
}

async function assertChecksPass(dir: string) {
  const analysis = await analyzeFolder(dir);
  assert.equal(analysis.vms.length, 3);
  for (const check of analysis.checks) {
    assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
    assert.ok(check.checked > 0, `${check.name} looked at nothing`);
  }
  return { analysis, logs: analysis.files.map((f) => toVmLog(readLog(f))) };
}

/** Analysis and logs of a folder, without asserting on the checks. */
async function assertChecksPassOrNot(dir: string) {
  const analysis = await analyzeFolder(dir);
  return { analysis, logs: analysis.files.map((f) => toVmLog(readLog(f))) };
}

/** One VM's log split by kind, for assertions on individual records. */
function toVmLog(records: Located[]) {
  const start = records[0]?.record.event === "start" ? (records[0].record as StartRecord) : undefined;
  const stop = records.at(-1)?.record.event === "stop" ? (records.at(-1)?.record as StopRecord) : undefined;
  const ticks = records.filter((l): l is Located<TickRecord> => "tick" in l.record);
  return { vm: start?.vm ?? "?", start, stop, ticks, all: records };
}

describe("three VM processes on ZeroMQ", { timeout: 60_000 }, () => {
  it("keep the clock rules, FIFO per link and sent == received + pending", async () => {
    const dir = join(root, "clean");
    const ports = await freePorts(3);
    const procs = await startTrial(ports, dir, { durationS: 3, seed: 11 });
    const results = await Promise.all(procs.map((p) => p.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const { logs } = await assertChecksPass(dir);
    for (const log of logs) {
      const start = log.start;
      assert.ok(start);
      assert.equal(log.ticks.length, Math.floor(start.rate * 3));
      assert.equal(log.stop?.reason, "duration");
      assert.equal(log.stop?.rejected, 0);
      for (const l of log.ticks) assert.ok(l.record.t >= l.record.due, `${l.file}:${l.line} early`);
    }
    assert.ok(
      logs.some((log) => log.ticks.some((l) => l.record.event === "receive")),
      "no message was received",
    );
  });

  it("lose nothing when one VM starts a second late", async () => {
    const dir = join(root, "late");
    const ports = await freePorts(3);
    const [early, , late] = ports as [number, number, number];
    // A seed whose first tick of the first VM sends to the late one, before it can be listening.
    const seed = seedWhereFirstDrawSendsTo(String(early), 5, [2, 3]);
    const procs = await startTrial(ports, dir, { durationS: 4, seed, late: 1000 });
    const results = await Promise.all(procs.map((p) => p.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const { logs } = await assertChecksPass(dir);
    const lateLog = logs.find((log) => log.vm === String(late));
    const listeningAt = lateLog?.start?.t ?? 0;
    const early1 = lateLog?.ticks.find(
      (l) => l.record.event === "receive" && l.record.from === String(early),
    );
    assert.ok(early1 && early1.record.event === "receive");
    assert.equal(early1.record.seq, 1);
    assert.ok(early1.record.sentAt < listeningAt, "the first message was not sent before the late VM was up");
  });

  it("reject garbage on the port while ticking on", async () => {
    const dir = join(root, "garbage");
    const ports = await freePorts(3);
    const [target, peer] = ports as [number, number, number];
    const procs = await startTrial(ports, dir, { durationS: 4, seed: 13 });
    await new Promise((resolve) => setTimeout(resolve, START_DELAY_MS + 500));
    // 1. Raw bytes that are not ZeroMQ at all.
    await new Promise<void>((resolve) => {
      // libzmq waits for more after a bad greeting, so close from this side after a moment.
      const socket = connect(target, "127.0.0.1", () => {
        socket.write(Buffer.from("GET / HTTP/1.1\r\n\r\n garbage \u0000\u00ff"));
        setTimeout(() => socket.destroy(), 200);
      });
      socket.on("error", () => resolve());
      socket.on("close", () => resolve());
    });
    // 2. A ZeroMQ peer that is not in the run, sending garbage and a message forged as a peer's.
    const intruder = new zmq.Dealer({ routingId: "intruder", linger: 0 });
    intruder.connect(`tcp://127.0.0.1:${target}`);
    await intruder.send(Buffer.from([0xc1, 0x00]));
    await intruder.send(Buffer.from([0x81, 0xa1, 0x76, 0x01]));
    await intruder.send(
      encodeMessage({
        v: 1,
        from: String(peer),
        to: String(target),
        epoch: 1,
        seq: 1,
        clock: 1_000_000,
        vc: vcOf({ [String(peer)]: 1 }),
        sentAt: Date.now(),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    intruder.close();
    const results = await Promise.all(procs.map((p) => p.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const { analysis, logs } = await assertChecksPassOrNot(dir);
    const checks = analysis.checks;
    const victim = logs.find((log) => log.vm === String(target));
    assert.ok(victim);
    const rejects = victim.all
      .filter((l) => l.record.event === "reject")
      .map((l) => l.record as RejectRecord);
    const reasons = rejects.map((r) => r.reason);
    assert.ok(reasons.includes("handshake"), `no handshake reject in ${reasons}`);
    assert.ok(reasons.includes("decode"), `no decode reject in ${reasons}`);
    assert.ok(reasons.includes("shape"), `no shape reject in ${reasons}`);
    assert.ok(reasons.includes("sender-mismatch"), `no sender-mismatch reject in ${reasons}`);
    // The forged message never reached the clock.
    assert.ok(victim.ticks.every((l) => l.record.clock < 1_000_000));
    assert.equal(victim.stop?.rejected, rejects.length);
    // It kept ticking on schedule, and the rules still hold.
    const start = victim.start;
    assert.ok(start);
    assert.equal(victim.ticks.length, start.ticksPlanned);
    for (const check of checks) assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
  });
});

describe("a VM process", { timeout: 60_000 }, () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`writes its stop record and exits on ${signal}`, async () => {
      const dir = join(root, `signal-${signal}`);
      const [port] = await freePorts(1);
      const proc = startCli([
        "vm",
        "--port",
        String(port),
        "--duration",
        "60",
        "--log-dir",
        dir,
        "--overridefreq",
        "5",
      ]);
      // Wait for its first line on stderr: it is listening and ticking.
      await new Promise<void>((resolve) => proc.child.stderr?.once("data", () => resolve()));
      proc.child.kill(signal);
      const result = await proc.done;
      assert.equal(result.code, 130);
      const { logs } = await assertChecksPassOrNot(dir);
      assert.equal(logs[0]?.stop?.reason, "signal");
    });
  }

  it("refuses an unwritable log folder before listening or ticking, one line, exit 2", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "not a folder\n");
    const [port] = await freePorts(1);
    const result = await startCli(["vm", "--port", String(port), "--log-dir", join(file, "logs")]).done;
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /^clocklab: --log-dir: cannot write .* \(ENOTDIR\)/);
  });

  it("refuses a bad port with one line naming the flag, exit 2", async () => {
    const result = await startCli(["vm", "--port", "abc"]).done;
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /--port: expected an integer 1-65535, got "abc"/);
  });

  it("refuses a port in use with one line, exit 2", async () => {
    const dir = join(root, "inuse");
    const [port] = await freePorts(1);
    const holder = new zmq.Router({ linger: 0 });
    await holder.bind(`tcp://127.0.0.1:${port}`);
    try {
      const result = await startCli(["vm", "--port", String(port), "--duration", "1", "--log-dir", dir]).done;
      assert.equal(result.code, 2);
      assert.match(result.stderr.trim(), new RegExp(`^clocklab: --port: ${port} is already in use`));
      assert.equal(result.stderr.trim().split("\n").length, 1);
    } finally {
      holder.close();
    }
  });
});
