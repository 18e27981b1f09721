import { createHttpTransport } from "./http.js";
import { createTcpTransport } from "./tcp.js";
import type { TransportFactory } from "./transport.js";
import { createZmqTransport } from "./zmq.js";

/** Transports a VM process can use, by `--transport` name. The first is the default. */
export type TransportRegistry = ReadonlyMap<string, TransportFactory>;

/** The transports that work between OS processes. */
export function defaultRegistry(): TransportRegistry {
  return new Map<string, TransportFactory>([
    ["zmq", createZmqTransport],
    ["tcp", createTcpTransport],
    ["http", createHttpTransport],
  ]);
}
