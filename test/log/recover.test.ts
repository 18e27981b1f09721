import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cutTornTail, findUnfinishedLog, recoverLog } from "../../src/log/recover.js";
import { startRecord } from "../helpers/trial-logs.js";

const dir = mkdtempSync(join(tmpdir(), "clocklab-recover-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const line = (r: object) => `${JSON.stringify(r)}\n`;
const start = startRecord("5003", "5001", { t: 1, epoch: 100 });
const tick = (n: number, clock: number, extra: object = {}) => ({
  event: "internal",
  t: 1 + n,
  tick: n,
  due: 1 + n,
  clock,
  queue: 0,
  vc: { "5003": n },
  ...extra,
});

/** What a receive record has beyond a tick's fields (but its sender, seq and epoch). */
const arrival = { event: "receive", msgClock: 1, sentAt: 1, arrivedAt: 1 };

describe("recovering a crashed VM's log", () => {
  it("finds the log without a stop record, ignores a finished one", () => {
    writeFileSync(join(dir, "trial-1_vm-5001_rate-2.jsonl"), line(start) + line({ event: "stop", t: 9 }));
    writeFileSync(join(dir, "trial-1_vm-5003_rate-4.jsonl"), line(start) + line(tick(1, 1)));
    writeFileSync(join(dir, "trial-2_vm-5003_rate-4.jsonl"), line(start));
    assert.equal(findUnfinishedLog(dir, 1, "5001"), undefined);
    assert.equal(findUnfinishedLog(dir, 1, "5003"), join(dir, "trial-1_vm-5003_rate-4.jsonl"));
    assert.equal(findUnfinishedLog(join(dir, "absent"), 1, "5003"), undefined);
  });

  it("reads back clocks, ticks and each sender's next seq per epoch; cuts only the torn tail", () => {
    const file = join(dir, "trial-3_vm-5003_rate-4.jsonl");
    const body =
      line(start) +
      line({ ...tick(1, 5), ...arrival, from: "5001", seq: 1, epoch: 7 }) +
      line({ ...tick(2, 6), ...arrival, from: "5002", seq: 1, epoch: 9 }) +
      line({ event: "gap", t: 4, from: "5001", missing: [2, 3], epoch: 7 }) +
      line({ ...tick(3, 9), ...arrival, from: "5001", seq: 4, epoch: 7 }) +
      line({ ...tick(4, 10), ...arrival, from: "5002", seq: 1, epoch: 12 });
    writeFileSync(file, `${body}{"event":"internal","t":7,"ti`);
    const r = recoverLog(file);
    assert.equal(r.epoch, 100);
    assert.equal(r.ticks, 4);
    assert.equal(r.clock, 10);
    assert.deepEqual(r.vc, { "5003": 4 });
    assert.equal(r.tornBytes, 29);
    assert.deepEqual(Object.fromEntries(r.senders), {
      "5001": { epoch: 7, next: 5 },
      "5002": { epoch: 12, next: 2 },
    });
    assert.ok(readFileSync(file, "utf8").endsWith("ti"), "reading alone changes nothing");
    cutTornTail(r);
    assert.equal(readFileSync(file, "utf8"), body);
  });

  it("reads lines as inspect does: CRLF endings taken, lines that are no record of the schema passed over", () => {
    const file = join(dir, "trial-4_vm-5003_rate-4.jsonl");
    writeFileSync(
      file,
      [
        line(start).replace("\n", "\r\n"),
        line(tick(1, 3)).replace("\n", "\r\n"),
        // JSON, but no record: a tick without its clock, a receive without a seq, a kind unknown.
        line({ ...tick(2, 99), clock: undefined }),
        line({ ...tick(2, 98), ...arrival, from: "5001", epoch: 7 }),
        line({ ...tick(9, 97), event: "mystery" }),
        "not json\n",
        line(tick(2, 4)),
      ].join(""),
    );
    const r = recoverLog(file);
    assert.deepEqual([r.epoch, r.ticks, r.clock, r.vc], [100, 2, 4, { "5003": 2 }]);
    assert.equal(r.senders.size, 0);
  });
});
