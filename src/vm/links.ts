import type { LinkCounts } from "../log/schema.js";

/** What the `stop` record says of a VM's links: per peer, and summed over them. */
export interface LinkSummary {
  links: Record<string, LinkCounts>;
  sent: number;
  received: number;
  pending: number;
}

/**
 * One VM's message counts per peer, for the conservation check of its `stop` record
 * (`sent == received + pending` on every link of a clean run).
 */
export class LinkTally {
  readonly #links = new Map<string, LinkCounts>();

  constructor(peers: readonly string[]) {
    for (const peer of peers) this.#links.set(peer, { sent: 0, received: 0, pending: 0 });
  }

  /** A peer's counts, made on first use for one outside the configured list. */
  of(peer: string): LinkCounts {
    let link = this.#links.get(peer);
    if (link === undefined) {
      link = { sent: 0, received: 0, pending: 0 };
      this.#links.set(peer, link);
    }
    return link;
  }

  /**
   * The counts at stop: `pending` recounted from what is still queued or held (one entry per
   * message or per sender with a count), `reordered` per sender as the reorder buffer tallied it.
   */
  settle(
    pending: Iterable<readonly [string, number]>,
    reordered: Iterable<readonly [string, number]>,
  ): LinkSummary {
    for (const link of this.#links.values()) link.pending = 0;
    for (const [from, n] of pending) this.of(from).pending += n;
    for (const [from, n] of reordered) this.of(from).reordered = n;
    const total = (key: "sent" | "received" | "pending") =>
      [...this.#links.values()].reduce((s, l) => s + l[key], 0);
    return {
      links: Object.fromEntries(this.#links),
      sent: total("sent"),
      received: total("received"),
      pending: total("pending"),
    };
  }
}
