// Run as a child process by the conformance suite: two transports exchange messages, close, and
// then this script does nothing more, so the process must exit on its own. A handle left open
// (socket, timer) would keep it alive and the suite would report it.
import { defaultRegistry } from "../../src/transport/registry.js";

const [name, p1, p2] = process.argv.slice(2);
const factory = defaultRegistry().get(name ?? "");
if (factory === undefined) throw new Error(`unknown transport ${name}`);
const [a, b] = [Number(p1), Number(p2)].map((port) => ({ id: String(port), host: "127.0.0.1", port }));
if (a === undefined || b === undefined) throw new Error("two ports expected");
let received = 0;
const ta = factory({ self: a, peers: [b] });
const tb = factory({ self: b, peers: [a] });
const handlers = {
  frame: () => {
    received += 1;
  },
  fault: () => {},
};
await ta.start(handlers);
await tb.start(handlers);
for (let i = 0; i < 100; i++) {
  ta.send(b.id, Uint8Array.of(i));
  tb.send(a.id, Uint8Array.of(i));
}
while (received < 200) await new Promise((r) => setTimeout(r, 5));
await ta.close();
await tb.close();
process.stdout.write(`closed after ${received} frames\n`);
