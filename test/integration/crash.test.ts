import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as zmq from "zeromq";
import { vcOf } from "../../src/clock/vector.js";
import type { LogRecord, RejectRecord, StartRecord } from "../../src/log/schema.js";
import { encodeMessage } from "../../src/wire/codec.js";
import { freePorts, killAll, othersOf, startCli } from "../helpers/processes.js";
import { analyzeFolder } from "../helpers/trial-logs.js";
import { until as waitUntil } from "../helpers/until.js";

/** Process start-up through tsx can be slow on a busy machine: wait up to 20 s, polling every 50 ms. */
const until = (what: string, probe: () => boolean) => waitUntil(what, probe, 20_000, 50);

const root = mkdtempSync(join(tmpdir(), "clocklab-crash-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

/** Every line of a log, parsed; fails on any line that is not a complete JSON record. */
function records(file: string): LogRecord[] {
  const text = readFileSync(file, "utf8");
  assert.ok(text === "" || text.endsWith("\n"), `${file} ends in a partial line`);
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l) as LogRecord;
      } catch {
        return assert.fail(`${file}:${i + 1} is not a complete record: ${l.slice(0, 80)}`);
      }
    });
}

function logOf(dir: string, port: number): string {
  const name = readdirSync(dir).find((f) => f.includes(`_vm-${port}_`));
  assert.ok(name !== undefined, `no log for ${port}`);
  return join(dir, name);
}

function safeRecords(file: string): LogRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.endsWith("}"))
    .map((l) => JSON.parse(l) as LogRecord);
}

describe("crash and restart", () => {
  it("kill -9 of a VM: others tick on, it resumes with a new epoch, stale messages are refused, inspect explains it", async () => {
    const dir = join(root, "crash");
    const ports = await freePorts(3);
    const [a, b, c] = ports as [number, number, number];
    // Every tick sends (range 3 = one peer, the other, both), so traffic crosses every link.
    const vmArgs = (port: number, duration: number, extra: string[] = []) => [
      "vm",
      "--port",
      String(port),
      "--others",
      ...othersOf(ports, port),
      "--duration",
      String(duration),
      "--overridefreq",
      "20",
      "--event-range",
      "3",
      "--seed",
      "7",
      "--gap-timeout",
      "1000",
      "--log-dir",
      dir,
      "--quiet",
      ...extra,
    ];
    const startAt = String(Date.now() + 4000);
    const [va, vb, vc] = [a, b, c].map((p) => startCli(vmArgs(p, 12, ["--start-at", startAt]), 40_000)) as [
      ReturnType<typeof startCli>,
      ReturnType<typeof startCli>,
      ReturnType<typeof startCli>,
    ];

    const cLog = () => logOf(dir, c);
    await until("30 ticks of the victim", () => {
      const file = existsSync(dir) ? readdirSync(dir).find((f) => f.includes(`_vm-${c}_`)) : undefined;
      return file !== undefined && safeRecords(join(dir, file)).filter((r) => "tick" in r).length >= 30;
    });
    vc.child.kill("SIGKILL");
    const killed = await vc.done;
    assert.equal(killed.signal, "SIGKILL");
    const before = records(cLog());
    assert.equal(before[0]?.event, "start");
    assert.notEqual(before.at(-1)?.event, "stop");
    const oldEpoch = (before[0] as StartRecord).epoch;
    const diedAt = before.at(-1)?.t ?? 0;

    // The survivors keep sending to the dead VM before it comes back.
    await until("a send to the dead VM", () =>
      safeRecords(logOf(dir, a)).some((r) => r.event === "send" && r.to.includes(String(c)) && r.t > diedAt),
    );
    const restarted = startCli(vmArgs(c, 3), 40_000);
    let newEpoch = 0;
    await until("the restarted VM's start record", () => {
      const starts = safeRecords(cLog()).filter((r): r is StartRecord => r.event === "start");
      newEpoch = starts[1]?.epoch ?? 0;
      return starts.length === 2;
    });
    assert.ok(newEpoch > oldEpoch);
    // Which survivor hears the new epoch first depends on the restarted VM's draws (its seed is
    // mixed with its port, a free port of this run) and on when its queue empties: either will do.
    const heardNewEpoch = (port: number) =>
      safeRecords(logOf(dir, port)).some(
        (r) => r.event === "receive" && r.from === String(c) && r.epoch === newEpoch,
      );
    await until("a message of the new epoch at a survivor", () => heardNewEpoch(a) || heardNewEpoch(b));
    const survivor = heardNewEpoch(a) ? a : b;

    // A leftover of the old incarnation arriving now: refused as stale, never taken as new.
    const stale = new zmq.Dealer({ routingId: `${c}/old`, linger: 0 });
    stale.connect(`tcp://127.0.0.1:${survivor}`);
    await stale.send(
      encodeMessage({
        v: 1,
        from: String(c),
        to: String(survivor),
        epoch: oldEpoch,
        seq: 1,
        clock: 1,
        vc: vcOf({}),
        sentAt: 0,
      }),
    );
    await until("the stale message's reject record", () =>
      safeRecords(logOf(dir, survivor)).some((r) => r.event === "reject" && r.reason === "stale-epoch"),
    );
    stale.close();

    const results = await Promise.all([va.done, vb.done, restarted.done]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);

    const log = records(cLog());
    const starts = log.filter((r): r is StartRecord => r.event === "start");
    assert.equal(starts.length, 2);
    assert.equal(starts[1]?.recovered?.epoch, oldEpoch);
    assert.equal(log.at(-1)?.event, "stop");
    const reject = records(logOf(dir, survivor)).find(
      (r): r is RejectRecord => r.event === "reject" && r.reason === "stale-epoch",
    );
    assert.equal(reject?.from, String(c));

    const analysis = await analyzeFolder(dir);
    for (const check of analysis.checks) {
      assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
    }
    assert.equal(analysis.crashes.length, 1);
    const crash = analysis.crashes[0];
    assert.equal(crash?.vm, String(c));
    assert.equal(crash?.newEpoch, newEpoch);
    assert.ok((crash?.sentWhileDown ?? 0) > 0, "sends to the dead VM are counted");
    for (const vm of analysis.vms.filter((v) => v.vm !== String(c))) {
      assert.equal(vm.early, 0);
      assert.equal(vm.ticks, vm.planned, `${vm.vm} ticked on schedule`);
    }
  });
});
