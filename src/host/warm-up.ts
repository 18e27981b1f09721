import { createRng } from "../base/rng.js";
import { recordLine } from "../log/serialize.js";
import { Machine } from "../vm/machine.js";
import { encodeMessage } from "../wire/codec.js";
import { frameInbox } from "./inbox.js";

/**
 * Runs the tick and receive paths (draw, clocks, encode, decode, reorder, record line) of two
 * throwaway Machines `ticks` times each, before the first real tick. A VM ticking 6 times a
 * second calls them too rarely for V8 to ever compile them, and each interpreted tick costs a
 * few hundred microseconds; with 32 VMs waking together on 2 cores, those microseconds add up
 * to every later VM's lateness. Nothing here touches the real VM: its own RNG, no I/O.
 */
export function warmUp(id: string, peers: readonly string[], eventRange: number, ticks: number): void {
  let now = 0;
  const rng = createRng(0);
  const sink = { write: (r: Parameters<typeof recordLine>[0]) => void recordLine(r) };
  const partnerId = peers[0];
  let partner: Machine | undefined;
  let toPartner: ((frame: Uint8Array, hint: string) => void) | undefined;
  const self: Machine = new Machine(
    { id, peers, eventRange, epoch: 1 },
    {
      now: () => now,
      rng,
      sink,
      outbox: (msg) => (msg.to === partnerId ? toPartner?.(encodeMessage(msg), id) : undefined),
    },
  );
  if (partnerId !== undefined) {
    const toSelf = frameInbox(self, id, peers);
    partner = new Machine(
      { id: partnerId, peers: [id], eventRange: 3, epoch: 1 },
      { now: () => now, rng, sink, outbox: (msg) => toSelf(encodeMessage(msg), partnerId) },
    );
    toPartner = frameInbox(partner, partnerId, [id]);
  }
  for (let n = 1; n <= ticks; n++) {
    now += 1;
    self.tick(n, now);
    partner?.tick(n, now);
  }
}
