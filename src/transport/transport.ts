import type { CurveKeys } from "./curve.js";

/** Where a peer listens. Its id (the VM id) is the port as a string. */
export interface PeerAddress {
  id: string;
  host: string;
  port: number;
}

/** Callbacks a transport reports to. */
export interface TransportHandlers {
  /**
   * One frame arrived. `senderHint` is the sender id as the transport itself knows it
   * (ZeroMQ routing id), or undefined where the transport has no notion of a sender.
   */
  frame(frame: Uint8Array, senderHint: string | undefined): void;
  /** Something arrived that never became a frame (a failed handshake, a broken stream). */
  fault(detail: string): void;
}

/**
 * The message bus as one VM sees it. The VM core only ever calls `send`; the runtime calls
 * `start` and `close`. Implementations live side by side in this folder.
 */
export interface Transport {
  /** Registry name, e.g. "zmq"; written to the `start` record. */
  readonly name: string;
  /** Listens on this VM's address and connects to the peers. Rejects if the port is taken. */
  start(handlers: TransportHandlers): Promise<void>;
  /**
   * Queues one frame for a peer and returns at once: a slow or absent peer never blocks the
   * caller. Frames to a peer that is not up yet are delivered when it comes up.
   */
  send(peerId: string, frame: Uint8Array): void;
  /**
   * Waits (at most `lingerMs`) for queued frames to leave, then releases every socket and
   * timer so the process can exit. Returns how many frames were still unsent.
   */
  close(lingerMs?: number): Promise<number>;
}

/** Options every transport factory takes. */
export interface TransportOptions {
  /** This VM's id and listening address. */
  self: PeerAddress;
  /** Peers, in the order given on the command line. */
  peers: readonly PeerAddress[];
  /**
   * Authenticate and sign with these keys (`--curve`). Only transports that can (zmq) accept
   * it; the others refuse to start with it.
   */
  curve?: CurveKeys;
}

/** Builds a transport for one VM. The registry maps `--transport` names to these. */
export type TransportFactory = (options: TransportOptions) => Transport;
