import { createZmqTransport } from "../../src/transport/zmq.js";
import { freePorts } from "../helpers/processes.js";
import { transportConformance } from "./conformance.js";

transportConformance(
  "zmq",
  async (count) => {
    const ports = await freePorts(count);
    return {
      addresses: ports.map((port) => ({ id: String(port), host: "127.0.0.1", port })),
      factory: (options) => createZmqTransport({ ...options, linger: 100 }),
    };
  },
  { network: true },
);
