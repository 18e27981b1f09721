#!/usr/bin/env node
import { processIo } from "./io.js";
import { main } from "./program.js";

const code = await main(process.argv.slice(2), processIo);
process.exitCode = code;
// Sockets are closed by now; should anything still hold the loop open, do not hang the shell.
setTimeout(() => process.exit(code), 1000).unref();
