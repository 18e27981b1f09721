import type { Grid } from "./grid.js";
import { Series } from "./series.js";

/**
 * When each message of one inbound link was sent and when it arrived: what a reliable stream
 * does with packet loss (a stall, then a burst) and what a datagram bus does (a gap) look
 * different here, where the latency distribution alone would hide it.
 */
export class LinkDelivery {
  readonly sentAt = new Series();
  readonly arrivedAt = new Series();

  add(sentAt: number, arrivedAt: number): void {
    this.sentAt.push(sentAt);
    this.arrivedAt.push(arrivedAt);
  }

  /**
   * The link's longest stall (ms): for each message in order of arrival, the time from when it
   * was both sent and the link had delivered the one before, to its own arrival. On a healthy
   * link that is its latency; a stream that lost a packet holds every later message until the
   * retransmission, so the first message after the loss stalls for the whole wait and the rest
   * arrive at once (0 each).
   */
  longestStall(): number {
    const sent = this.sentAt.values();
    const arrived = this.arrivedAt.values();
    const order = Array.from(arrived.keys()).sort((a, b) => (arrived[a] as number) - (arrived[b] as number));
    let previous = Number.NEGATIVE_INFINITY;
    let longest = 0;
    for (const i of order) {
      const a = arrived[i] as number;
      longest = Math.max(longest, a - Math.max(sent[i] as number, previous));
      previous = a;
    }
    return longest;
  }
}

/** The longest stall over links (ms; 0 when nothing arrived). */
export function longestStall(links: Iterable<LinkDelivery>): number {
  let longest = 0;
  for (const l of links) longest = Math.max(longest, l.longestStall());
  return longest;
}

/**
 * The largest delivery latency of the messages sent in each step of the trial's grid (ms; null
 * where none was sent, or none of them arrived): latency over time, where stalls stand out.
 */
export function latencyOverTime(grid: Grid, links: Iterable<LinkDelivery>): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: grid.points }, () => null);
  for (const l of links) {
    const sent = l.sentAt.values();
    const arrived = l.arrivedAt.values();
    for (let i = 0; i < sent.length; i++) {
      // The step the message was sent in (a send a little past the last point counts there).
      const k = Math.min(grid.points - 1, Math.floor(((sent[i] as number) - grid.start) / grid.stepMs));
      if (k < 0) continue;
      const latency = (arrived[i] as number) - (sent[i] as number);
      out[k] = Math.max(out[k] ?? Number.NEGATIVE_INFINITY, Math.round(latency * 1000) / 1000);
    }
  }
  return out;
}
