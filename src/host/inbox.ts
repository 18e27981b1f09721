import type { Machine } from "../vm/machine.js";
import { FrameDecoder } from "../wire/fast/decode.js";

/**
 * Where a VM process's transport hands each frame: decoded and validated here (the fast path
 * first, wire/fast/decode.ts), then given to the Machine as a message, or as the reason it was
 * refused, for the Machine's reject records. The simulator hands the Machine message objects
 * and needs none of this.
 */
export function frameInbox(
  machine: Pick<Machine, "receive" | "refuse">,
  self: string,
  peers: readonly string[],
): (frame: Uint8Array, senderHint: string | undefined) => void {
  const decoder = new FrameDecoder();
  const peerSet: ReadonlySet<string> = new Set(peers);
  return (frame, senderHint) => {
    const result = decoder.decode(frame, { self, peers: peerSet, senderHint });
    if (result.ok) machine.receive(result.msg);
    else machine.refuse(result.reason, result.detail, result.from ?? senderHint);
  };
}
