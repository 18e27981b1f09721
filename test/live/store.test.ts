import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inspectPaths } from "../../src/analysis/inspect.js";
import { createRng } from "../../src/base/rng.js";
import { main } from "../../src/cli/program.js";
import { LiveStore } from "../../src/live/client/store.js";
import type { LiveRecord, LiveTrial } from "../../src/live/protocol.js";
import { extractTrial } from "../../src/report/diagram/extract.js";
import { captureIo } from "../helpers/io.js";

const COLUMNS = [
  "vm",
  "tick",
  "kind",
  "t",
  "clock",
  "queue",
  "vc",
  "sendOf",
  "from",
  "arrived",
  "jump",
] as const;

const meta = (vms: { id: string; rate: number; planned: number }[], t0: number): LiveTrial => ({
  index: 0,
  experiment: "standard",
  experimentIndex: 0,
  trial: 1,
  trials: 1,
  vms,
  t0,
  durationS: 10,
});

describe("the live page's store", () => {
  it("orders two VMs' records by time whatever order they come in, as a hand count says", () => {
    const store = new LiveStore(100);
    store.addTrial(
      meta(
        [
          { id: "5001", rate: 1, planned: 3 },
          { id: "5002", rate: 1, planned: 2 },
        ],
        1000,
      ),
    );
    const start: LiveRecord = { event: "start", t: 999, epoch: 7, ticksPlanned: 3 };
    const a: LiveRecord[] = [
      start,
      { event: "internal", t: 1000, tick: 1, clock: 1, queue: 0, vc: { 5001: 1 } },
      { event: "internal", t: 1010, tick: 2, clock: 2, queue: 0, vc: { 5001: 2 } },
      { event: "send", t: 1020, tick: 3, clock: 3, queue: 0, vc: { 5001: 3 }, to: ["5002"], seq: [1] },
    ];
    const b: LiveRecord[] = [
      start,
      { event: "internal", t: 1005, tick: 1, clock: 1, queue: 1, vc: { 5002: 1 } },
      // max(1, 3) + 1 = 4: the clock skips 2 and 3, a jump of 2.
      {
        event: "receive",
        t: 1030,
        tick: 2,
        clock: 4,
        queue: 0,
        vc: { 5001: 3, 5002: 2 },
        from: "5001",
        seq: 1,
        arrivedAt: 1021,
        epoch: 7,
      },
    ];
    // B's whole log first, then A's: A's records are older than B's last one fed.
    store.add({ index: 0, vm: "5002", records: b });
    store.flush();
    store.add({ index: 0, vm: "5001", records: a });
    const { changed } = store.flush();
    assert.deepEqual([...changed], [0]);
    const d = store.diagram(0);
    assert.deepEqual(d.vm, [0, 1, 0, 0, 1]);
    assert.deepEqual(d.t, [0, 5, 10, 20, 30]);
    assert.deepEqual(d.clock, [1, 1, 2, 3, 4]);
    assert.deepEqual(d.sendOf, [-1, -1, -1, -1, 3]);
    assert.deepEqual(d.from, [-1, -1, -1, -1, 0]);
    assert.deepEqual(d.arrived, [0, 0, 0, 0, 21]);
    assert.deepEqual(d.jump, [0, 0, 0, 0, 2]);
    assert.deepEqual(d.vc.slice(8), [3, 2]);
    assert.deepEqual(d.unreceived, []);
    assert.equal(store.received, 5);
    const [na, nb] = store.trials[0]?.now ?? [];
    assert.deepEqual([na?.clock, na?.lag, na?.ticks, na?.planned], [3, 1, 3, 3]);
    assert.deepEqual([nb?.clock, nb?.lag, nb?.lastJump, nb?.lastJumpAtS], [4, 0, 2, 0.03]);
  });

  describe("on a simulated trial", () => {
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "clocklab-store-"));
      const io = captureIo();
      const code = await main(
        ["sim", "--trials", "1", "--duration", "20", "--rates", "1,4,6", "--seed", "5", "--log-dir", dir],
        io,
      );
      assert.equal(code, 0, io.errs.join("\n"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("builds the report's diagram from records fed in any interleaving of whole-line batches", async () => {
      const report = await inspectPaths([dir]);
      const trial = report.trials[0];
      assert.ok(trial !== undefined);
      const want = extractTrial(trial, 60_000);
      const logs = trial.files.map((f) => ({
        vm: (/_vm-(\d+)_/.exec(f) as RegExpExecArray)[1] as string,
        records: readFileSync(f, "utf8")
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l) as LiveRecord)
          .filter((r) => ["start", "internal", "send", "receive", "stop"].includes(r.event)),
      }));
      const ticks = logs.reduce((n, l) => n + l.records.filter((r) => r.tick !== undefined).length, 0);
      for (const seed of [1, 2, 3]) {
        const r = createRng(seed);
        const rng = () => r.next();
        const store = new LiveStore(60_000);
        store.addTrial(
          meta(
            want.vms.map((v) => ({ ...v, planned: 0 })),
            want.t0,
          ),
        );
        const cursor = logs.map(() => 0);
        while (cursor.some((c, i) => c < (logs[i]?.records.length ?? 0))) {
          const i = Math.floor(rng() * logs.length);
          const log = logs[i];
          if (log === undefined || (cursor[i] as number) >= log.records.length) continue;
          const n = 1 + Math.floor(rng() * 6);
          store.add({
            index: 0,
            vm: log.vm,
            records: log.records.slice(cursor[i], (cursor[i] as number) + n),
          });
          cursor[i] = (cursor[i] as number) + n;
          if (rng() < 0.5) store.flush();
        }
        store.flush();
        const got = store.diagram(0);
        for (const c of COLUMNS) assert.deepEqual(got[c], want[c], `${c}, seed ${seed}`);
        assert.deepEqual(got.unreceived, want.unreceived);
        assert.equal(store.received, ticks);
        assert.equal(got.vm.length, ticks);
      }
    });
  });
});
