import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryTransport, MemoryNetwork } from "../../src/transport/memory.js";
import { transportConformance } from "./conformance.js";

transportConformance(
  "memory",
  async (count) => {
    const network = new MemoryNetwork();
    return {
      addresses: Array.from({ length: count }, (_, i) => ({
        id: String(6001 + i),
        host: "memory",
        port: 6001 + i,
      })),
      factory: (options) => createMemoryTransport({ ...options, network }),
    };
  },
  { network: false },
);

describe("memory network", () => {
  it("carries objects as they are, holding what is posted before the receiver listens, in order", () => {
    const runs: (() => void)[] = [];
    const network = new MemoryNetwork<{ n: number }>((run) => runs.push(run));
    const first = { n: 1 };
    network.post("a", "b", first);
    network.post("a", "b", { n: 2 });
    assert.equal(runs.length, 0);
    const got: [{ n: number }, string][] = [];
    network.listen("b", (payload, from) => got.push([payload, from]));
    network.post("c", "b", { n: 3 });
    for (const run of runs) run();
    assert.deepEqual(
      got.map(([p, from]) => `${from}:${p.n}`),
      ["a:1", "a:2", "c:3"],
    );
    assert.equal(got[0]?.[0], first);
  });

  it("drops a delivery to a VM that stopped listening, and refuses a second listener", () => {
    const runs: (() => void)[] = [];
    const network = new MemoryNetwork<number>((run) => runs.push(run));
    const got: number[] = [];
    network.listen("b", (n) => got.push(n));
    assert.throws(() => network.listen("b", () => {}), /b is already in use/);
    network.post("a", "b", 1);
    network.unlisten("b");
    for (const run of runs) run();
    assert.deepEqual(got, []);
  });
});
