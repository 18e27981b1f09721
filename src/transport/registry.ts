import type { Transport, TransportFactory, TransportHandlers } from "./transport.js";
import { createZmqTransport } from "./zmq.js";

/** Transports a VM process can use, by `--transport` name. The first is the default. */
export type TransportRegistry = ReadonlyMap<string, TransportFactory>;

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

/** The transports that work between OS processes. */
export function defaultRegistry(): TransportRegistry {
  return new Map<string, TransportFactory>([
    ["zmq", createZmqTransport],
    ["tcp", loadedOnStart("tcp", async () => (await import("./tcp.js")).createTcpTransport)],
    ["http", loadedOnStart("http", async () => (await import("./http.js")).createHttpTransport)],
    ["udp", loadedOnStart("udp", async () => (await import("./udp.js")).createUdpTransport)],
  ]);
}
