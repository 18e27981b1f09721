import { UsageError } from "../base/errors.js";

/** What a tick does when the queue is empty. */
export type DrawnEvent = { kind: "send"; to: string[] } | { kind: "internal" };

/**
 * Maps a draw `v` in 1..eventRange to an event, with the peers in the order given:
 * `v <= P` sends to peer number v, `v == P + 1` sends to every peer, anything else is internal.
 * For 3 VMs and range 10: 1 one peer, 2 the other, 3 both, 4..10 internal.
 */
export function eventForDraw(v: number, peers: readonly string[]): DrawnEvent {
  if (v >= 1 && v <= peers.length) return { kind: "send", to: [peers[v - 1] as string] };
  if (v === peers.length + 1) return { kind: "send", to: [...peers] };
  return { kind: "internal" };
}

/**
 * The event range must leave room for every single-peer send and the broadcast: the one rule,
 * for a VM (`vm`) and for an experiment's VMs (`run`, `sim`). The error names the field
 * `eventRange`; `of` says whose peers they are in it (by default "P peer(s)").
 */
export function checkEventRange(eventRange: number, peerCount: number, of = `${peerCount} peer(s)`): void {
  if (!Number.isInteger(eventRange) || eventRange < peerCount + 1) {
    throw new UsageError({
      field: "eventRange",
      detail: `expected an integer >= ${peerCount + 1} (peers + 1) for ${of}, got ${eventRange}`,
    });
  }
}
