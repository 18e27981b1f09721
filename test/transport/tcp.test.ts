import { createTcpTransport } from "../../src/transport/tcp.js";
import { freePorts } from "../helpers/processes.js";
import { transportConformance } from "./conformance.js";

transportConformance(
  "tcp",
  async (count) => {
    const ports = await freePorts(count);
    return {
      addresses: ports.map((port) => ({ id: String(port), host: "127.0.0.1", port })),
      factory: (options) => createTcpTransport({ ...options, linger: 100 }),
    };
  },
  { network: true },
);
