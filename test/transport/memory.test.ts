import { createMemoryTransport, MemoryNetwork } from "../../src/transport/memory.js";
import { transportConformance } from "./conformance.js";

transportConformance(
  "memory",
  async (count) => {
    const network = new MemoryNetwork();
    return {
      addresses: Array.from({ length: count }, (_, i) => ({
        id: String(6001 + i),
        host: "memory",
        port: 6001 + i,
      })),
      factory: (options) => createMemoryTransport({ ...options, network }),
    };
  },
  { network: false },
);
