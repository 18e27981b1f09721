import { createHttpTransport } from "../../src/transport/http.js";
import { freePorts } from "../helpers/processes.js";
import { transportConformance } from "./conformance.js";

transportConformance(
  "http",
  async (count) => {
    const ports = await freePorts(count);
    return {
      addresses: ports.map((port) => ({ id: String(port), host: "127.0.0.1", port })),
      factory: (options) => createHttpTransport({ ...options, linger: 100 }),
    };
  },
  { network: true },
);
