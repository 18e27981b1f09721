import { createHttpTransport } from "../../src/transport/http.js";
import { onLoopback, transportConformance } from "./conformance.js";

transportConformance("http", onLoopback(createHttpTransport), { network: true });
