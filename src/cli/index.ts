#!/usr/bin/env node
import { processIo } from "../base/io.js";
import { main } from "./program.js";

// A reader that goes away (`clocklab sim --help | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await main(process.argv.slice(2), processIo);
// An interrupted command has stopped cleanly by now. Ending here, rather than letting the loop
// drain, leaves no moment in which node has already closed its signal handlers while it tears
// down: a further impatient Ctrl-C then would kill the process by the signal instead of 130.
if (code === 130) process.exit(code);
process.exitCode = code;
// Sockets are closed by now; should anything still hold the loop open, do not hang the shell.
setTimeout(() => process.exit(code), 1000).unref();
