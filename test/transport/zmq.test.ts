import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createZmqTransport } from "../../src/transport/zmq.js";
import { freePorts } from "../helpers/processes.js";
import { until } from "../helpers/until.js";
import { onLoopback, transportConformance } from "./conformance.js";

transportConformance("zmq", onLoopback(createZmqTransport), { network: true });

describe("zmq over IPv6", () => {
  // libzmq binds and connects IPv4 only unless its sockets are told otherwise (`--host ::1`).
  it("two VMs on ::1 exchange frames both ways", async () => {
    const [pa, pb] = (await freePorts(2)) as [number, number];
    const [a, b] = [pa, pb].map((port) => ({ id: String(port), host: "::1", port })) as [
      { id: string; host: string; port: number },
      { id: string; host: string; port: number },
    ];
    const got = { [a.id]: [] as (string | undefined)[], [b.id]: [] as (string | undefined)[] };
    const ta = createZmqTransport({ self: a, peers: [b], linger: 100 });
    const tb = createZmqTransport({ self: b, peers: [a], linger: 100 });
    try {
      await ta.start({ frame: (_, hint) => got[a.id]?.push(hint), fault: () => {} });
      await tb.start({ frame: (_, hint) => got[b.id]?.push(hint), fault: () => {} });
      for (let i = 0; i < 10; i++) {
        ta.send(b.id, Uint8Array.of(i));
        tb.send(a.id, Uint8Array.of(i));
      }
      await until("10 frames each way", () => got[a.id]?.length === 10 && got[b.id]?.length === 10);
      assert.deepEqual(new Set(got[a.id]), new Set([b.id]), "a's frames came from b");
      assert.deepEqual(new Set(got[b.id]), new Set([a.id]), "b's frames came from a");
    } finally {
      await ta.close();
      await tb.close();
    }
  });
});
