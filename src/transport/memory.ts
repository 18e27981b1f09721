import { SetupError } from "../base/errors.js";
import type { Transport, TransportHandlers, TransportOptions } from "./transport.js";

/** Schedules a delivery; the default is the next microtask. Virtual time passes its own. */
export type Deliver = (run: () => void, from: string, to: string) => void;

/**
 * An in-process bus shared by the memory transports of one experiment. Frames for a VM that
 * has not started yet wait in the network until it does, as a connecting DEALER would.
 */
export class MemoryNetwork {
  readonly #listeners = new Map<string, TransportHandlers>();
  readonly #waiting = new Map<string, { frame: Uint8Array; from: string }[]>();
  readonly #deliver: Deliver;

  constructor(deliver: Deliver = (run) => queueMicrotask(run)) {
    this.#deliver = deliver;
  }

  listen(id: string, handlers: TransportHandlers): void {
    if (this.#listeners.has(id)) throw new SetupError(`--port: ${id} is already in use`);
    this.#listeners.set(id, handlers);
    for (const { frame, from } of this.#waiting.get(id) ?? []) this.#post(from, id, frame);
    this.#waiting.delete(id);
  }

  unlisten(id: string): void {
    this.#listeners.delete(id);
  }

  post(from: string, to: string, frame: Uint8Array): void {
    if (!this.#listeners.has(to)) {
      const list = this.#waiting.get(to) ?? [];
      list.push({ frame, from });
      this.#waiting.set(to, list);
      return;
    }
    this.#post(from, to, frame);
  }

  #post(from: string, to: string, frame: Uint8Array): void {
    // Copy, as a real network would: the sender may reuse its buffer.
    const copy = Uint8Array.from(frame);
    this.#deliver(() => this.#listeners.get(to)?.frame(copy, from), from, to);
  }
}

export interface MemoryTransportOptions extends TransportOptions {
  network: MemoryNetwork;
}

/** In-process transport for tests and virtual time: same interface, no sockets. */
export function createMemoryTransport(options: MemoryTransportOptions): Transport {
  const { network, self } = options;
  const peers = new Set(options.peers.map((p) => p.id));
  let started = false;
  return {
    name: "memory",
    async start(handlers: TransportHandlers): Promise<void> {
      network.listen(self.id, handlers);
      started = true;
    },
    send(peerId: string, frame: Uint8Array): void {
      if (!peers.has(peerId)) throw new Error(`no connection to peer ${peerId}`);
      network.post(self.id, peerId, frame);
    },
    async close(): Promise<number> {
      if (started) network.unlisten(self.id);
      started = false;
      return 0;
    },
  };
}
