import type { WireMessage } from "../wire/message.js";

/** Schedules a delivery in virtual time. */
export type Schedule = (run: () => void) => void;

/**
 * The simulator's network: messages travel as the objects the sending Machine made (their
 * clocks are immutable snapshots), so no msgpack round trip is paid per message; the wire
 * format is covered by the real transports. Messages for a VM that is not listening yet wait
 * until it is, as a connecting DEALER's would.
 */
export class MessageNetwork {
  readonly #listeners = new Map<string, (msg: WireMessage) => void>();
  readonly #waiting = new Map<string, WireMessage[]>();
  readonly #schedule: Schedule;

  constructor(schedule: Schedule) {
    this.#schedule = schedule;
  }

  listen(id: string, receive: (msg: WireMessage) => void): void {
    this.#listeners.set(id, receive);
    for (const msg of this.#waiting.get(id) ?? []) this.post(msg);
    this.#waiting.delete(id);
  }

  post(msg: WireMessage): void {
    const receive = this.#listeners.get(msg.to);
    if (receive === undefined) {
      const list = this.#waiting.get(msg.to) ?? [];
      list.push(msg);
      this.#waiting.set(msg.to, list);
      return;
    }
    this.#schedule(() => receive(msg));
  }
}
