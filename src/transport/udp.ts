import { createSocket, type Socket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { SetupError } from "../base/errors.js";
import { hostPort, hostRefusal } from "./address.js";
import type { PeerAddress, Transport, TransportHandlers, TransportOptions } from "./transport.js";

/**
 * Largest frame one datagram carries: 65,535 bytes of IPv4 packet less its 20-byte header and
 * the 8-byte UDP header. A VM's message is far below it (107 bytes with 3 VMs, about 10 more per
 * VM of its vector clock); one over it cannot be sent at all, as nothing here splits frames.
 * Over an Ethernet link (MTU 1500) a datagram over 1,472 bytes leaves as IP fragments and is
 * lost if any one of them is: past about 130 VMs, kernel loss hits udp harder per message.
 */
export const MAX_DATAGRAM = 65_507;

export interface UdpTransportOptions extends TransportOptions {
  /** @default 200 */
  linger?: number;
  /**
   * Kernel receive buffer asked for (SO_RCVBUF; the kernel caps it at net.core.rmem_max). What
   * arrives while it is full is dropped, as on any datagram bus; a larger buffer makes a burst
   * overflow it less often, so that loss on a run comes from the network, not from a VM busy
   * for a moment. @default 4 MiB
   */
  receiveBufferBytes?: number;
}

/** A peer as datagrams are sent to it: its address resolved once, at start. */
interface Destination {
  address: string;
  port: number;
}

/** The socket family for a host: a name counts as what it resolves to. */
async function familyOf(host: string): Promise<4 | 6> {
  const literal = isIP(host);
  if (literal !== 0) return literal === 6 ? 6 : 4;
  return (await lookup(host)).family === 6 ? 6 : 4;
}

/** Binds the socket on this VM's address; refusals as peers.ts's listenOn tells them. */
function bindOn(socket: Socket, self: PeerAddress): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void => {
      const why =
        err.code === "EADDRINUSE"
          ? { field: "port", detail: `${self.port} is already in use` }
          : `cannot listen on ${hostPort(self)}`;
      reject(hostRefusal(err, self.host) ?? new SetupError(why, { cause: err }));
    };
    socket.once("error", fail);
    socket.bind({ address: self.host, port: self.port, exclusive: true }, () => {
      socket.off("error", fail);
      resolve();
    });
  });
}

/**
 * UDP bus: one socket bound on this VM's address both receives and sends, one frame per
 * datagram, nothing else on the wire. No acknowledgement, no retransmission, no queue for a peer
 * that is not up: a datagram lost is a gap in that link's `seq`, one overtaken a message held in
 * the VM's reorder buffer, and both are what this transport is for (compare it with zmq or tcp
 * under loss). Datagrams name their source: sent from the bound socket, its port is the
 * sender's VM id, passed as the sender hint (a claim, as unauthenticated as `from` itself).
 */
export function createUdpTransport(options: UdpTransportOptions): Transport {
  const destinations = new Map<string, Destination>();
  let socket: Socket | undefined;
  let handlers: TransportHandlers | undefined;
  /** Datagrams handed to the socket whose send has not completed yet. */
  let pending = 0;
  let idle: (() => void)[] = [];
  let closed = false;

  const sent = (): void => {
    pending -= 1;
    if (pending === 0) for (const wake of idle.splice(0)) wake();
  };

  return {
    name: "udp",

    async start(h: TransportHandlers): Promise<void> {
      const { self } = options;
      let family: 4 | 6;
      try {
        family = await familyOf(self.host);
      } catch (err) {
        throw (
          hostRefusal(err, self.host) ?? new SetupError(`cannot listen on ${hostPort(self)}`, { cause: err })
        );
      }
      const s = createSocket({
        type: family === 6 ? "udp6" : "udp4",
        recvBufferSize: options.receiveBufferBytes ?? 4 * 1024 * 1024,
      });
      try {
        await bindOn(s, self);
      } catch (err) {
        s.close();
        throw err;
      }
      // After the bind, errors are the network's (an unreachable peer): counted, never thrown.
      s.on("error", (err) => {
        if (!closed) h.fault(`udp: ${err.message}`);
      });
      s.on("message", (datagram, from) => h.frame(datagram, String(from.port)));
      socket = s;
      handlers = h;
      for (const peer of options.peers) {
        let address = peer.host;
        try {
          address = (await lookup(peer.host, { family })).address;
        } catch (err) {
          // Left as a name: each send then looks it up again and a failure is a send fault.
          h.fault(
            `udp: peer ${peer.id} at ${peer.host} does not resolve (${(err as NodeJS.ErrnoException).code})`,
          );
        }
        destinations.set(peer.id, { address, port: peer.port });
      }
    },

    send(peerId: string, frame: Uint8Array): void {
      const to = destinations.get(peerId);
      if (socket === undefined || to === undefined) throw new Error(`no connection to peer ${peerId}`);
      if (frame.byteLength > MAX_DATAGRAM) {
        throw new Error(
          `udp: a frame of ${frame.byteLength} bytes to ${peerId} is over the ${MAX_DATAGRAM} bytes one datagram carries`,
        );
      }
      pending += 1;
      // Copied: the datagram leaves later (libuv's queue), the caller may reuse its buffer.
      socket.send(Buffer.from(frame), to.port, to.address, (err) => {
        sent();
        if (err !== null && err !== undefined && !closed)
          handlers?.fault(`udp: send to ${peerId} failed: ${err.message}`);
      });
    },

    async close(lingerMs = options.linger ?? 200): Promise<number> {
      if (closed || socket === undefined) return 0;
      if (pending > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, lingerMs);
          idle.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      closed = true;
      const unsent = pending;
      const s = socket;
      socket = undefined;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      idle = [];
      return unsent;
    },
  };
}
