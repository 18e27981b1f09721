import { SetupError } from "../base/errors.js";
import type { Transport, TransportHandlers, TransportOptions } from "./transport.js";

/** Schedules a delivery; the default is the next microtask. Virtual time passes its own. */
export type Deliver = (run: () => void, from: string, to: string) => void;

/**
 * The one in-process network, shared by the VMs of one experiment. It carries whatever it is
 * given: frames for the memory transports (tests, the conformance suite), the message objects
 * themselves for the simulator (no msgpack round trip per message; the real transports cover
 * the wire format). What is posted to a VM that is not listening yet waits until it is, as a
 * connecting DEALER's frames would.
 */
export class MemoryNetwork<T = Uint8Array> {
  readonly #listeners = new Map<string, (payload: T, from: string) => void>();
  readonly #waiting = new Map<string, { payload: T; from: string }[]>();
  readonly #deliver: Deliver;

  constructor(deliver: Deliver = (run) => queueMicrotask(run)) {
    this.#deliver = deliver;
  }

  listen(id: string, receive: (payload: T, from: string) => void): void {
    if (this.#listeners.has(id)) throw new SetupError({ field: "port", detail: `${id} is already in use` });
    this.#listeners.set(id, receive);
    for (const { payload, from } of this.#waiting.get(id) ?? []) this.#post(from, id, payload);
    this.#waiting.delete(id);
  }

  unlisten(id: string): void {
    this.#listeners.delete(id);
  }

  post(from: string, to: string, payload: T): void {
    if (!this.#listeners.has(to)) {
      const list = this.#waiting.get(to) ?? [];
      list.push({ payload, from });
      this.#waiting.set(to, list);
      return;
    }
    this.#post(from, to, payload);
  }

  #post(from: string, to: string, payload: T): void {
    // Looked up at delivery: a VM that stopped listening in between gets nothing.
    this.#deliver(() => this.#listeners.get(to)?.(payload, from), from, to);
  }
}

export interface MemoryTransportOptions extends TransportOptions {
  network: MemoryNetwork;
}

/** In-process transport for tests: same interface, no sockets. */
export function createMemoryTransport(options: MemoryTransportOptions): Transport {
  const { network, self } = options;
  const peers = new Set(options.peers.map((p) => p.id));
  let started = false;
  return {
    name: "memory",
    async start(handlers: TransportHandlers): Promise<void> {
      network.listen(self.id, (frame, from) => handlers.frame(frame, from));
      started = true;
    },
    send(peerId: string, frame: Uint8Array): void {
      if (!peers.has(peerId)) throw new Error(`no connection to peer ${peerId}`);
      // Copy, as a real network would: the sender may reuse its buffer.
      network.post(self.id, peerId, Uint8Array.from(frame));
    },
    async close(): Promise<number> {
      if (started) network.unlisten(self.id);
      started = false;
      return 0;
    },
  };
}
