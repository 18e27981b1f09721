import * as zmq from "zeromq";
import { bytesAt } from "../base/bytes.js";
import { SetupError } from "../base/errors.js";
import { hostPort, lookupRefusal } from "./address.js";
import type { LinkSigner } from "./curve.js";
import { SendQueue } from "./send-queue.js";
import type { Transport, TransportHandlers, TransportOptions } from "./transport.js";

export interface ZmqTransportOptions extends TransportOptions {
  /**
   * How long to retry a bind refused as "in use": libzmq releases a closed socket's port on its
   * I/O thread a moment after close, so a VM restarted at once on its port may see it taken.
   * @default 1000
   */
  bindRetryMs?: number;
  /**
   * Milliseconds a closed socket may keep trying to deliver what libzmq still holds.
   * Never infinite (libzmq's default), or a dead peer would keep the process alive.
   * @default 200
   */
  linger?: number;
}

/** Largest frame libzmq reads in at all (16 MiB); the VM itself accepts at most 64 KiB. */
export const MAX_ZMQ_FRAME = 16 * 1024 * 1024;

/** Longest stretch of receiving before the event loop gets a turn (ms). */
const RECEIVE_SLICE_MS = 1;

/**
 * The VM id of a routing id, remembered for the last few routing ids seen: decoding and
 * splitting one on every message is a good part of what receiving costs under a flood.
 */
class RecentSenders {
  readonly #recent: { id: Buffer; sender: string }[] = [];

  of(id: Buffer): string {
    for (const known of this.#recent) {
      if (known.id.length === id.length && bytesAt(id, 0, id.length, known.id)) return known.sender;
    }
    const sender = vmIdOf(id.toString("utf8"));
    this.#recent.unshift({ id: Buffer.from(id), sender });
    if (this.#recent.length > 8) this.#recent.pop();
    return sender;
  }
}

/** The VM id part of a routing id (`5001/3fa2c1d0` -> `5001`). */
export function vmIdOf(routingId: string): string {
  const slash = routingId.indexOf("/");
  return slash < 0 ? routingId : routingId.slice(0, slash);
}

async function bindWithRetry(router: zmq.Router, endpoint: string, retryMs: number): Promise<void> {
  const deadline = Date.now() + retryMs;
  let inUse: unknown;
  for (;;) {
    try {
      await router.bind(endpoint);
      return;
    } catch (err) {
      // After one refusal libzmq may answer a retry with another error; the cause is the port.
      if (err instanceof Error && /in use/i.test(err.message)) inUse = err;
      if (inUse === undefined || Date.now() >= deadline) throw inUse ?? err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * ZeroMQ bus: one ROUTER bound on this VM's address receives from everyone; one DEALER per
 * peer, with routing id = our id, sends. So discovery is only the list of peer addresses,
 * the ROUTER learns each sender's id from the handshake, and a DEALER connected to a peer
 * that is not up yet queues until it is.
 */
export function createZmqTransport(options: ZmqTransportOptions): Transport {
  const linger = options.linger ?? 200;
  // With CURVE: a context of our own (its ZAP handler then answers for this transport alone)
  // and, from start on, the signer of each link. curve.ts (and node:crypto, ~2 MB per
  // process) is loaded only then.
  const secure =
    options.curve === undefined ? undefined : { keys: options.curve, context: new zmq.Context() };
  let signer: LinkSigner | undefined;
  let stopZap = (): void => {};
  // Frames over MAX_ZMQ_FRAME make libzmq drop the connection before they are read into memory;
  // smaller oversized ones arrive and are rejected (and counted) by the VM's size check.
  const router = new zmq.Router({
    linger: 0,
    maxMessageSize: MAX_ZMQ_FRAME,
    // libzmq binds and connects IPv4 only unless told otherwise.
    ipv6: options.self.host.includes(":"),
    ...(secure === undefined
      ? {}
      : {
          context: secure.context,
          curveServer: true,
          curveSecretKey: secure.keys.secretKey,
          zapDomain: "clocklab",
        }),
  });
  // Routing id = VM id + "/" + a tag of this incarnation. A restarted VM is then a new peer to
  // every ROUTER: libzmq ignores a newcomer whose routing id a lingering old connection still
  // holds, and its handover option, the other way out, trips an assertion in libzmq 4.3.5.
  // The tag need not be secret, only different from the last incarnation's.
  const tag = Math.floor(Math.random() * 2 ** 32);
  const routingId = `${options.self.id}/${tag.toString(16).padStart(8, "0")}`;
  const dealers = new Map<string, { socket: zmq.Dealer; queue: SendQueue }>();
  let closed = false;
  const endpoint = `tcp://${hostPort(options.self)}`;

  const senders = new RecentSenders();

  async function receiveLoop(h: TransportHandlers): Promise<void> {
    try {
      let sliceStart = performance.now();
      // receive() itself rather than `for await`, whose iterator wraps every receive in one
      // more async function: a promise and a microtask less per message.
      while (!router.closed) {
        const parts = await router.receive();
        // While frames keep coming, receiving runs on microtasks alone and would starve the tick
        // timer; after each millisecond of work, let the event loop (and a due tick) run.
        if (performance.now() - sliceStart > RECEIVE_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
        const [id, payload, mac] = parts;
        const expected = signer === undefined ? 2 : 3;
        if (parts.length !== expected || id === undefined || payload === undefined) {
          h.fault(`expected ${expected - 1} frame(s) after the routing id, got ${parts.length - 1}`);
          continue;
        }
        const sender = senders.of(id);
        if (signer !== undefined && !signer.mac(sender, payload)?.equals(mac as Buffer)) {
          h.fault(`message claiming to be from ${sender.slice(0, 64)} is not signed with its key`);
          continue;
        }
        h.frame(payload, sender);
      }
    } catch (err) {
      if (!closed) h.fault(`receive failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return {
    name: "zmq",

    async start(h: TransportHandlers): Promise<void> {
      const report = (e: { type: string; error?: Error }) =>
        h.fault(`${e.type}: ${e.error?.message ?? "unknown"}`);
      router.events.on("handshake:error:protocol", report);
      router.events.on("handshake:error:auth", report);
      router.events.on("handshake:error:other", report);
      if (secure !== undefined) {
        const curve = await import("./curve.js");
        signer = new curve.LinkSigner(secure.keys);
        stopZap = await curve.startZapHandler(secure.context, new Set(secure.keys.peers.values()));
      }
      try {
        await bindWithRetry(router, endpoint, options.bindRetryMs ?? 1000);
      } catch (err) {
        router.close();
        stopZap();
        const inUse = err instanceof Error && /in use/i.test(err.message);
        const refused = inUse ? undefined : await lookupRefusal(err, options.self.host);
        if (refused !== undefined) throw refused;
        throw new SetupError(
          inUse
            ? { field: "port", detail: `${options.self.port} is already in use` }
            : `cannot listen on ${endpoint}`,
          { cause: err },
        );
      }
      void receiveLoop(h);
      for (const peer of options.peers) {
        const serverKey = secure?.keys.peers.get(peer.id);
        const socket = new zmq.Dealer({
          routingId,
          linger,
          ipv6: peer.host.includes(":"),
          ...(secure === undefined || serverKey === undefined
            ? {}
            : {
                context: secure.context,
                curveServerKey: serverKey,
                curvePublicKey: secure.keys.publicKey,
                curveSecretKey: secure.keys.secretKey,
              }),
        });
        socket.connect(`tcp://${hostPort(peer)}`);
        const queue = new SendQueue(
          (frame) =>
            socket.send(signer === undefined ? frame : [frame, signer.mac(peer.id, frame) as Buffer]),
          (err) => {
            if (!closed) h.fault(`send to ${peer.id} failed: ${String(err)}`);
          },
        );
        dealers.set(peer.id, { socket, queue });
      }
    },

    send(peerId: string, frame: Uint8Array): void {
      const dealer = dealers.get(peerId);
      if (dealer === undefined) throw new Error(`no connection to peer ${peerId}`);
      dealer.queue.push(frame);
    },

    async close(lingerMs = linger): Promise<number> {
      if (closed) return 0;
      await Promise.all([...dealers.values()].map((d) => d.queue.drained(lingerMs)));
      closed = true;
      let unsent = 0;
      for (const { socket, queue } of dealers.values()) {
        unsent += queue.length;
        socket.close();
      }
      // No unbind first: unbinding tears down the accepted connections while close() tears them
      // down too, and that race aborts libzmq 4.3.5 (pipe.cpp:355). close() frees the port a
      // moment later on libzmq's I/O thread, which bindWithRetry covers for a quick restart.
      router.close();
      stopZap();
      return unsent;
    },
  };
}
