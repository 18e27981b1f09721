import type { Transport, TransportFactory, TransportHandlers } from "./transport.js";
import { createZmqTransport } from "./zmq.js";

/** Transports a VM process can use, by `--transport` name. The first is the default. */
export type TransportRegistry = ReadonlyMap<string, TransportFactory>;

/** What a transport offers, for the code that must know without starting one. */
export interface TransportCapabilities {
  /** It admits only peers' keys and signs each message (`curve`). */
  authenticates: boolean;
  /**
   * A frame sent is delivered unless an end goes down: held for a peer not up yet, resent when
   * lost. A datagram bus is not: what the network drops, the receiver learns of only as a gap
   * before a later seq, and the last frames of a link can be lost unseen.
   */
  reliable: boolean;
  /** The kind of socket a VM binds on its port: what a check that the port is free must try. */
  binds: "tcp" | "udp";
}

/** The capabilities of each transport of defaultRegistry(), by name. */
export const TRANSPORT_CAPABILITIES: ReadonlyMap<string, Readonly<TransportCapabilities>> = new Map([
  ["zmq", { authenticates: true, reliable: true, binds: "tcp" }],
  ["tcp", { authenticates: false, reliable: true, binds: "tcp" }],
  ["http", { authenticates: false, reliable: true, binds: "tcp" }],
  ["udp", { authenticates: false, reliable: false, binds: "udp" }],
] as const);

/**
 * A transport whose module is loaded only when it starts. A VM uses one transport; loading
 * node:http into every ZeroMQ VM costs each process about 2 MB.
 */
function loadedOnStart(name: string, load: () => Promise<TransportFactory>): TransportFactory {
  return (options) => {
    let inner: Transport | undefined;
    return {
      name,
      async start(handlers: TransportHandlers): Promise<void> {
        inner = (await load())(options);
        await inner.start(handlers);
      },
      send(peerId: string, frame: Uint8Array): void {
        if (inner === undefined) throw new Error(`${name} transport: send before start`);
        inner.send(peerId, frame);
      },
      async close(lingerMs?: number): Promise<number> {
        return inner === undefined ? 0 : inner.close(lingerMs);
      },
    };
  };
}

/** The registry of defaultRegistry(), told apart from one a test or a bench puts together. */
class DefaultRegistry extends Map<string, TransportFactory> {}

/**
 * Whether `registry` came from defaultRegistry(): only then can a worker thread make the same
 * transport from its name (host/io-thread.ts), since a factory cannot cross to a thread.
 */
export function isDefaultRegistry(registry: TransportRegistry): boolean {
  return registry instanceof DefaultRegistry;
}

/** The transports that work between OS processes. */
export function defaultRegistry(): TransportRegistry {
  return new DefaultRegistry([
    ["zmq", createZmqTransport],
    ["tcp", loadedOnStart("tcp", async () => (await import("./tcp.js")).createTcpTransport)],
    ["http", loadedOnStart("http", async () => (await import("./http.js")).createHttpTransport)],
    ["udp", loadedOnStart("udp", async () => (await import("./udp.js")).createUdpTransport)],
  ]);
}
