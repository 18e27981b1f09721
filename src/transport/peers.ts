import type { Server } from "node:net";
import { SetupError } from "../base/errors.js";
import { hostPort, hostRefusal } from "./address.js";
import type { PeerAddress } from "./transport.js";

/** What a stream transport keeps per peer: a way to send, and to wind down. */
export interface PeerSender {
  send(frame: Uint8Array): void;
  /** Resolves when nothing is waiting to go out, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void>;
  /** Frames not yet handed to the network. */
  readonly unsent: number;
  close(): void;
}

/** The per-peer senders of one transport: send by id, drain and close them all. */
export class PeerSenders<T extends PeerSender> {
  readonly #byId = new Map<string, T>();

  add(id: string, sender: T): void {
    this.#byId.set(id, sender);
  }

  send(peerId: string, frame: Uint8Array): void {
    const sender = this.#byId.get(peerId);
    if (sender === undefined) throw new Error(`no connection to peer ${peerId}`);
    sender.send(frame);
  }

  /** Waits (at most `lingerMs`) for queued frames, closes every sender; returns what stayed unsent. */
  async close(lingerMs: number): Promise<number> {
    await Promise.all([...this.#byId.values()].map((s) => s.drained(lingerMs)));
    let unsent = 0;
    for (const sender of this.#byId.values()) {
      unsent += sender.unsent;
      sender.close();
    }
    this.#byId.clear();
    return unsent;
  }
}

/**
 * Listens on this VM's address; a taken port becomes the SetupError the CLI reports (exit 2), a
 * host of another machine or no host at all an AddressError of field `host`.
 */
export function listenOn(server: Server, self: PeerAddress): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const refused = hostRefusal(err, self.host);
      if (refused !== undefined) return reject(refused);
      const why =
        err.code === "EADDRINUSE"
          ? { field: "port", detail: `${self.port} is already in use` }
          : `cannot listen on ${hostPort(self)}`;
      reject(new SetupError(why, { cause: err }));
    });
    server.listen({ host: self.host, port: self.port, exclusive: true }, () => resolve());
  });
}
