// The far end of a link benchmark, in its own process (so each side has its own event loop, as
// two VMs do). Told what to be on the command line; talks to the driver over IPC:
//   node dist/bench/peer.js <role> <kind> <port> <driverPort> [count]
// role echo: send every valid message back; role sink: count messages, report when `count` came.
// kind: a transport name (the VM's own send and receive path: transport + codec + validation),
// or zmq-bare / net-bare (the libraries alone, the floors).
import { createServer } from "node:net";
import * as zmq from "zeromq";
import { FrameReader, lengthPrefixed } from "../transport/framing.js";
import { defaultRegistry } from "../transport/registry.js";
import { wallNow } from "../vm/time.js";
import { encodeMessage } from "../wire/codec.js";
import { FrameDecoder } from "../wire/fast/decode.js";

const [role, kind, portArg, driverArg, countArg] = process.argv.slice(2);
const port = Number(portArg);
const driver = Number(driverArg);
const count = Number(countArg ?? 0);
const self = { id: String(port), host: "127.0.0.1", port };
const peer = { id: String(driver), host: "127.0.0.1", port: driver };
const tell = (message: object) => process.send?.(message);
process.on("disconnect", () => process.exit(0));

let received = 0;
/** Counts one arrival; a sink reports when the first and the last came. */
function arrived(): void {
  received += 1;
  if (role === "sink" && received === 1) tell({ first: wallNow() });
  if (role === "sink" && received === count) tell({ done: wallNow() });
}

async function transportPeer(name: string): Promise<void> {
  const factory = defaultRegistry().get(name);
  if (factory === undefined) throw new Error(`unknown transport ${name}`);
  const transport = factory({ self, peers: [peer] });
  const ctx = { self: self.id, peers: new Set([peer.id]) };
  const decoder = new FrameDecoder();
  await transport.start({
    frame(frame, hint) {
      // A fresh context per frame, as the Machine makes one (but without copying `ctx`).
      const result = decoder.decode(frame, { self: ctx.self, peers: ctx.peers, senderHint: hint });
      if (!result.ok) return;
      arrived();
      if (role === "echo")
        transport.send(peer.id, encodeMessage({ ...result.msg, from: self.id, to: peer.id }));
    },
    fault() {},
  });
}

async function zmqPeer(): Promise<void> {
  const router = new zmq.Router({ linger: 0 });
  await router.bind(`tcp://127.0.0.1:${port}`);
  void (async () => {
    for await (const [id, body] of router) {
      arrived();
      if (role === "echo" && id !== undefined && body !== undefined) await router.send([id, body]);
    }
  })();
}

async function netPeer(): Promise<void> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const reader = new FrameReader((frame) => {
      arrived();
      if (role === "echo") socket.write(lengthPrefixed(frame));
    });
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
}

await (kind === "zmq-bare" ? zmqPeer() : kind === "net-bare" ? netPeer() : transportPeer(kind ?? ""));
tell({ ready: true });
