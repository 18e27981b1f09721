import { createTcpTransport } from "../../src/transport/tcp.js";
import { onLoopback, transportConformance } from "./conformance.js";

transportConformance("tcp", onLoopback(createTcpTransport), { network: true });
