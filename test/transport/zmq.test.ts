import { createZmqTransport } from "../../src/transport/zmq.js";
import { onLoopback, transportConformance } from "./conformance.js";

transportConformance("zmq", onLoopback(createZmqTransport), { network: true });
