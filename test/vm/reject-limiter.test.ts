import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, randomInt } from "../../src/base/rng.js";
import type { RejectRecord } from "../../src/log/schema.js";
import { REJECT_BURST, REJECT_INTERVAL_MS, RejectLimiter } from "../../src/vm/reject-limiter.js";
import type { RejectReason } from "../../src/wire/message.js";

const PEERS = new Set(["5002", "5003"]);

function limiter(options?: { burst?: number; intervalMs?: number }) {
  const written: RejectRecord[] = [];
  return { limiter: new RejectLimiter(PEERS, (r) => written.push(r), options), written };
}

const reject = (t: number, reason: RejectReason, from?: string, seq?: number): RejectRecord => ({
  event: "reject",
  t,
  reason,
  detail: `at ${t}`,
  ...(from === undefined ? {} : { from }),
  ...(seq === undefined ? {} : { seq }),
});

const total = (records: readonly RejectRecord[]) => records.reduce((s, r) => s + (r.count ?? 1), 0);

describe("RejectLimiter", () => {
  it("writes the burst in full, then one record per interval standing for what it held (by hand)", () => {
    const { limiter: l, written } = limiter({ burst: 2, intervalMs: 1000 });
    for (const t of [0, 1, 2, 3, 500]) l.add(reject(t, "decode", "5002", t));
    assert.deepEqual(
      written.map((r) => r.t),
      [0, 1],
      "the burst is written as it comes",
    );
    assert.equal(l.holding, 1);
    l.flushDue(1000); // 999 ms since the key's last record: not yet
    assert.equal(written.length, 2);
    l.flushDue(1001);
    l.add(reject(1500, "decode", "5002", 9)); // held again: 499 ms since the last record
    l.add(reject(2100, "decode", "5002", 10)); // 1099 ms since: written, with what was held
    l.add(reject(5000, "decode", "5002", 11)); // after a quiet interval: in full at once
    l.flushAll(6000);
    assert.deepEqual(written, [
      reject(0, "decode", "5002", 0),
      reject(1, "decode", "5002", 1),
      { event: "reject", t: 1001, reason: "decode", detail: "at 500", from: "5002", count: 3 },
      { event: "reject", t: 2100, reason: "decode", detail: "at 2100", from: "5002", count: 2 },
      reject(5000, "decode", "5002", 11),
    ]);
    assert.equal(total(written), 8);
    assert.equal(l.holding, 0);
  });

  it("turns a burst of 100,000 rejects of one key into a dozen records that count them all", () => {
    const { limiter: l, written } = limiter();
    const n = 100_000;
    // One reject every 10 µs (a second in all), the tick hook every 20 ms, then stop.
    for (let i = 0; i < n; i++) {
      const t = i * 0.01;
      l.add(reject(t, "decode", "5002", i));
      if (i % 2000 === 0) l.flushDue(t);
    }
    l.flushAll(1000);
    assert.equal(total(written), n);
    assert.ok(written.length <= REJECT_BURST + 2, `${written.length} records`);
    assert.deepEqual(
      written.slice(0, REJECT_BURST).map((r) => r.seq),
      Array.from({ length: REJECT_BURST }, (_, i) => i),
      "the first ones in full, with their seq",
    );
    assert.ok(written.slice(REJECT_BURST).every((r) => r.count !== undefined && r.seq === undefined));
  });

  it("takes counted rejects (a I/O thread's): the burst's last one in full, the rest held (by hand)", () => {
    const { limiter: l, written } = limiter({ burst: 2, intervalMs: 1000 });
    l.add(reject(0, "decode", "5002"), 1); // burst 2 -> 1: in full
    l.add(reject(1, "decode", "5002"), 5); // burst 1 -> 0: this one in full, 4 held
    assert.equal(l.taken, 6);
    assert.equal(l.holding, 1);
    l.add(reject(300, "decode", "5002"), 10); // 14 held, latest "at 300"
    l.add(reject(1200, "decode", "5002"), 6); // 1199 ms since the last record: 20 written as one
    l.add(reject(1300, "decode", "5002"), 3); // held again
    l.flushAll(1400);
    assert.deepEqual(written, [
      reject(0, "decode", "5002"),
      reject(1, "decode", "5002"),
      { event: "reject", t: 1200, reason: "decode", detail: "at 1200", from: "5002", count: 20 },
      { event: "reject", t: 1400, reason: "decode", detail: "at 1300", from: "5002", count: 3 },
    ]);
    assert.equal(total(written), 1 + 5 + 10 + 6 + 3);
    assert.equal(l.taken, total(written));
  });

  it("keeps reasons and peers apart, and every sender that is not a peer together", () => {
    const { limiter: l, written } = limiter({ burst: 1 });
    const keys: [RejectReason, string | undefined][] = [
      ["decode", "5002"],
      ["decode", "5003"],
      ["shape", "5002"],
      ["decode", "intruder-1"],
      ["decode", "intruder-2"],
      ["decode", undefined],
    ];
    for (let round = 0; round < 5; round++)
      for (const [reason, from] of keys) l.add(reject(round, reason, from));
    l.flushAll(10);
    const summary = written.filter((r) => r.count !== undefined).map((r) => [r.reason, r.from, r.count]);
    assert.deepEqual(summary, [
      ["decode", "5002", 4],
      ["decode", "5003", 4],
      // intruder-1 and -2 are one key: its first reject went in full, the other nine are held.
      ["decode", undefined, 9],
      // No sender at all is a key of its own (a record of it has no `from` either).
      ["decode", undefined, 4],
      ["shape", "5002", 4],
    ]);
    assert.deepEqual(
      written.filter((r) => r.count === undefined).map((r) => r.from),
      ["5002", "5003", "5002", "intruder-1", undefined],
      "the full records keep the sender as it came",
    );
    assert.equal(total(written), 5 * keys.length);
  });

  it("stays bounded whatever a hostile sender varies", () => {
    const { limiter: l, written } = limiter();
    const rng = createRng(12);
    const reasons: RejectReason[] = [
      "decode",
      "shape",
      "unknown-sender",
      "sender-mismatch",
      "bad-vc",
      "oversize",
    ];
    const seconds = 10;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const t = (i / n) * seconds * 1000;
      const from = randomInt(rng, 0, 9) === 0 ? "5002" : `x${randomInt(rng, 0, 1e9)}`;
      l.add(reject(t, reasons[randomInt(rng, 0, reasons.length - 1)] as RejectReason, from));
      if (i % 400 === 0) l.flushDue(t);
    }
    l.flushAll(seconds * 1000);
    assert.equal(total(written), n);
    // Keys: reasons x (peer 5002, not a peer); each at most its burst, one per interval, one at stop.
    const keys = reasons.length * 2;
    const bound = keys * (REJECT_BURST + (seconds * 1000) / REJECT_INTERVAL_MS + 2);
    assert.ok(written.length <= bound, `${written.length} records, bound ${bound}`);
    assert.ok(written.length < n / 500);
    const coalescedFrom = new Set(written.filter((r) => r.count !== undefined).map((r) => r.from));
    assert.deepEqual(
      [...coalescedFrom].sort(),
      ["5002", undefined],
      "a coalesced record names a peer or nobody",
    );
  });

  it("never writes a record stamped earlier than one before it", () => {
    const { limiter: l, written } = limiter({ burst: 3, intervalMs: 100 });
    const rng = createRng(5);
    let t = 0;
    for (let i = 0; i < 5000; i++) {
      t += randomInt(rng, 0, 3);
      l.add(
        reject(
          t,
          randomInt(rng, 0, 1) === 0 ? "decode" : "shape",
          randomInt(rng, 0, 1) === 0 ? "5002" : "5003",
        ),
      );
      if (i % 7 === 0) l.flushDue(t);
    }
    l.flushAll(t);
    for (const [i, r] of written.entries()) {
      assert.ok(i === 0 || r.t >= (written[i - 1] as RejectRecord).t, `record ${i} goes back`);
    }
    assert.equal(total(written), 5000);
  });

  it("writes one held reject as it came, stamped when written", () => {
    const { limiter: l, written } = limiter({ burst: 0 });
    l.add(reject(5, "duplicate", "5003", 4));
    l.add(reject(6, "duplicate", "5003", 5));
    l.flushAll(7);
    assert.deepEqual(written, [
      reject(5, "duplicate", "5003", 4),
      { ...reject(6, "duplicate", "5003", 5), t: 7 },
    ]);
  });
});
