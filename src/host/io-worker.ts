import { parentPort, workerData } from "node:worker_threads";
import { SetupError, UsageError } from "../base/errors.js";
import { defaultRegistry } from "../transport/registry.js";
import { REJECT_BURST, rejectSender } from "../vm/reject-limiter.js";
import { FrameDecoder } from "../wire/fast/decode.js";
import type { RejectReason } from "../wire/message.js";
import type { FromIoThread, IoThreadData, Refusal, ToIoThread } from "./io-thread.js";

/**
 * The I/O thread of a VM process (started by io-thread.ts): runs the transport, decodes
 * and checks every frame that arrives, and hands the main thread only the frames that hold a
 * valid message and the refusals, counted. A flood of bad frames is then this thread's work
 * alone; the main thread, which keeps the ticks on time, sees a few batches a millisecond.
 */
const port = parentPort;
if (port === null) throw new Error("io-worker.ts runs as a worker thread (host/io-thread.ts)");
const { transport: name, options } = workerData as IoThreadData;
const self = options.self.id;
const peers: ReadonlySet<string> = new Set(options.peers.map((p) => p.id));
const decoder = new FrameDecoder();

let frames: Uint8Array[] = [];
let oneByOne: Refusal[] = [];
let counted = new Map<string, Refusal>();
/** Refusals of each reject key sent one by one so far: the first REJECT_BURST are. */
const sentSingly = new Map<string, number>();
let flushing = false;

/** Sends what arrived once per turn of this thread's loop, not once per frame. */
function flush(): void {
  flushing = false;
  const message: FromIoThread = { kind: "input", frames, refused: [...oneByOne, ...counted.values()] };
  port?.postMessage(
    message,
    frames.map((f) => f.buffer as ArrayBuffer),
  );
  frames = [];
  oneByOne = [];
  counted = new Map();
}

function arrived(): void {
  if (flushing) return;
  flushing = true;
  setImmediate(flush);
}

/**
 * A key's first REJECT_BURST refusals go one by one, so that the main thread's RejectLimiter
 * writes them in full as it would have; after those, a key's refusals of one turn go as one
 * count with the latest's detail, which is all the limiter keeps of them.
 */
function refuse(reason: RejectReason, detail: string, from: string | undefined): void {
  const key = `${reason}\0${rejectSender(peers, from)}`;
  const singly = sentSingly.get(key) ?? 0;
  if (singly < REJECT_BURST) {
    sentSingly.set(key, singly + 1);
    oneByOne.push({ reason, detail, from, count: 1 });
  } else {
    const held = counted.get(key);
    if (held === undefined) counted.set(key, { reason, detail, from, count: 1 });
    else {
      held.count += 1;
      held.detail = detail;
      held.from = from;
    }
  }
  arrived();
}

const factory = defaultRegistry().get(name);
const transport = factory?.(options);

port.on("message", (m: ToIoThread) => {
  if (m.kind === "send") transport?.send(m.peer, m.frame);
  else
    void transport?.close(m.lingerMs).then((unsent) => {
      if (flushing) flush();
      port.postMessage({ kind: "closed", unsent } satisfies FromIoThread);
      port.close();
    });
});

try {
  if (transport === undefined)
    throw new SetupError({ field: "transport", detail: `unknown transport "${name}"` });
  await transport.start({
    frame: (frame, senderHint) => {
      const result = decoder.decode(frame, { self, peers, senderHint });
      if (!result.ok) return refuse(result.reason, result.detail, result.from ?? senderHint);
      // A copy of its own: the transport's buffer may be a slice of a larger one.
      frames.push(new Uint8Array(frame));
      arrived();
    },
    fault: (detail) => refuse("handshake", detail, undefined),
  });
  port.postMessage({ kind: "started" } satisfies FromIoThread);
} catch (err) {
  // The transport's own error, told again on the main thread (io-thread.ts): a typed one with
  // the input it names, so the CLI says it with the flag, as it would without the thread.
  const typed = err instanceof SetupError || err instanceof UsageError ? err : undefined;
  const fault = typed?.fault;
  port.postMessage({
    kind: "failed",
    usage: err instanceof UsageError,
    message: err instanceof Error ? err.message : String(err),
    exitCode: typed?.exitCode ?? 1,
    ...(fault !== undefined && typeof fault.detail === "string"
      ? { fault: { field: fault.field, detail: fault.detail, ...(fault.hint ? { hint: fault.hint } : {}) } }
      : {}),
  } satisfies FromIoThread);
  port.close();
}
