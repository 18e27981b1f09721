import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { PeerAddress, Transport, TransportFactory } from "../../src/transport/transport.js";

/** Builds a fresh set of addresses and a factory for one test (fresh ports, fresh network). */
export type Setup = (count: number) => Promise<{ addresses: PeerAddress[]; factory: TransportFactory }>;

interface Received {
  frame: Uint8Array;
  hint: string | undefined;
}

/** Waits until `predicate` holds, polling on the event loop; fails after `limitMs`. */
async function until(predicate: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const frameOf = (n: number) => Uint8Array.from(Buffer.from(`frame-${n}`));

/**
 * The behaviour every transport must have, run once per implementation. Each test bounds its
 * waits and closes every transport it opened.
 */
export function transportConformance(name: string, setup: Setup): void {
  describe(`transport conformance: ${name}`, { timeout: 60_000 }, () => {
    const open = new Set<Transport>();
    after(async () => {
      await Promise.all([...open].map((t) => t.close(0)));
    });

    async function node(factory: TransportFactory, addresses: PeerAddress[], i: number) {
      const self = addresses[i] as PeerAddress;
      const transport = factory({ self, peers: addresses.filter((_, j) => j !== i) });
      const received: Received[] = [];
      const faults: string[] = [];
      open.add(transport);
      return {
        transport,
        received,
        faults,
        start: () =>
          transport.start({
            frame: (frame, hint) => received.push({ frame, hint }),
            fault: (d) => faults.push(d),
          }),
        close: async () => {
          open.delete(transport);
          return transport.close();
        },
      };
    }

    /** Two transports on fresh addresses, both started. */
    async function startedPair() {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      const b = await node(factory, addresses, 1);
      await a.start();
      await b.start();
      return { addresses, a, b };
    }

    it("delivers frames byte for byte, naming the sender where it knows it", async () => {
      const { addresses, a, b } = await startedPair();
      a.transport.send(addresses[1]?.id as string, frameOf(1));
      await until(() => b.received.length === 1, "one frame");
      assert.deepEqual(Buffer.from(b.received[0]?.frame ?? []), Buffer.from(frameOf(1)));
      const hint = b.received[0]?.hint;
      assert.ok(hint === undefined || hint === addresses[0]?.id, `hint ${hint}`);
      await a.close();
      await b.close();
    });

    it("keeps a burst of 10,000 frames per link complete and in order", async () => {
      const { addresses, a, b } = await startedPair();
      for (let n = 0; n < 10_000; n++) a.transport.send(addresses[1]?.id as string, frameOf(n));
      await until(() => b.received.length >= 10_000, "10,000 frames", 30_000);
      assert.equal(b.received.length, 10_000);
      assert.deepEqual(
        b.received.map((r) => Buffer.from(r.frame).toString()),
        b.received.map((_, n) => `frame-${n}`),
      );
      await a.close();
      await b.close();
    });

    it("delivers frames sent before the peer was up once it comes up", async () => {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      await a.start();
      for (let n = 0; n < 5; n++) a.transport.send(addresses[1]?.id as string, frameOf(n));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const b = await node(factory, addresses, 1);
      await b.start();
      await until(() => b.received.length === 5, "5 early frames");
      assert.deepEqual(
        b.received.map((r) => Buffer.from(r.frame).toString()),
        [0, 1, 2, 3, 4].map((n) => `frame-${n}`),
      );
      await a.close();
      await b.close();
    });

    it("refuses to start on an address already taken by another VM", async () => {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      await a.start();
      const twin = await node(factory, addresses, 0);
      await assert.rejects(twin.start(), /already in use/);
      open.delete(twin.transport);
      await a.close();
    });

    it("closes promptly even when a peer never came up, and frees its address", async () => {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      await a.start();
      a.transport.send(addresses[1]?.id as string, frameOf(1));
      await a.close();
      const again = await node(factory, addresses, 0);
      await again.start();
      await again.close();
    });
  });
}
