import { TRANSPORT_CAPABILITIES } from "../transport/registry.js";
import { Collector } from "./collector.js";
import { crashed } from "./incarnations.js";
import type { SendIndex } from "./send-index.js";
import type { VmPass } from "./vm-pass.js";

/**
 * Nothing lost: per link, what the sender logged as sent equals what the receiver took off its
 * queue, plus what was pending at its stop, plus what it gave up on in `gap` records, plus
 * what the sender's fault layer dropped, plus what its full queue refused. On a link with a
 * crashed end, what is left over went down with the crashed process (its queue, its unsent
 * buffers, sends to it while it was down and never redelivered): counted as lost with the
 * crash, not flagged. On a link of a transport that does not deliver reliably (udp), what is left
 * over was lost in transit, unseen by the receiver (after the last message it received, or in a
 * gap it had not yet given up on when it stopped): counted as lost, not flagged. More received
 * than sent fails on any link.
 */
export function checkConservation(
  passes: readonly VmPass[],
  index: SendIndex,
): { check: Collector; lostWithCrashes: number; lostInTransit: number } {
  const c = new Collector("conservation");
  const byVm = new Map(passes.map((p) => [p.vm, p]));
  let lostWithCrashes = 0;
  let lostInTransit = 0;
  for (const [from, to] of index.links()) {
    c.checked += 1;
    const sent = index.sent(from, to);
    const sender = byVm.get(from);
    const receiver = byVm.get(to);
    const where = sender?.stop ?? `${sender?.file ?? from}:0`;
    if (receiver === undefined) {
      c.fail(where, `${sent} sent ${from}->${to}, and ${to} has no log in this trial`);
      continue;
    }
    const lastEpoch = sender?.current?.start.epoch;
    // `links` is clocklab's own addition to the stop record: a foreign VM's log may lack it.
    const claimed = sender?.stop?.record.links?.[to]?.sent;
    const logged = lastEpoch === undefined ? sent : index.sentIn(from, to, lastEpoch);
    if (claimed !== undefined && claimed !== logged)
      c.fail(where, `stop says ${claimed} sent to ${to}, the log has ${logged}`);
    const link = receiver.inbound.get(from);
    const received = link?.received ?? 0;
    const gaps = link?.gaps ?? new Map<number, Set<number>>();
    let gapped = 0;
    for (const set of gaps.values()) gapped += set.size;
    // A seq the sender's fault layer dropped may also be one the receiver gave up on: count once.
    let droppedOnly = 0;
    const unknown = gaps.get(Number.NaN);
    for (const [epoch, dropped] of sender?.dropped.get(to) ?? []) {
      const mine = gaps.get(epoch);
      for (const seq of dropped) if (!mine?.has(seq) && !unknown?.has(seq)) droppedOnly += 1;
    }
    const stop = receiver.stop;
    const pending = stop?.record.links?.[from]?.pending ?? 0;
    const refused = link?.refused ?? 0;
    const left = sent - (received + pending + gapped + droppedOnly + refused);
    if (left === 0) continue;
    if (left > 0 && (crashed(receiver) || crashed(sender))) {
      lostWithCrashes += left;
      continue;
    }
    const transport = receiver.start?.transport ?? "";
    if (left > 0 && TRANSPORT_CAPABILITIES.get(transport)?.reliable === false) {
      lostInTransit += left;
      continue;
    }
    c.fail(
      stop ?? `${receiver.file}:end`,
      `link ${from}->${to}: sent ${sent} != received ${received} + pending ${pending} + gap ${gapped} + dropped by faults ${droppedOnly} + refused by a full queue ${refused}`,
    );
  }
  return { check: c, lostWithCrashes, lostInTransit };
}
