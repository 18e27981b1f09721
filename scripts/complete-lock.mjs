#!/usr/bin/env node
// The npm registry reachable here serves only some platforms' builds of a few packages
// (@biomejs/cli-*, @msgpackr-extract/*). `npm install` then leaves those optional packages out
// of package-lock.json, and `npm ci` refuses the lock as out of sync. This adds each missing
// optional platform package back as a lock entry with its os/cpu/libc, so `npm ci` skips it as
// "not for this platform" instead of failing. Run after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from "node:fs";

const OS = [
  "aix",
  "android",
  "darwin",
  "freebsd",
  "linux",
  "netbsd",
  "openbsd",
  "openharmony",
  "sunos",
  "win32",
];
const CPU = ["arm64", "arm", "ia32", "loong64", "mips64el", "ppc64", "riscv64", "s390x", "x64"];

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`;
    if (lock.packages[where] !== undefined || (key !== "" && lock.packages[`${key}/${where}`] !== undefined))
      continue;
    const parts = name.split("/").pop().split("-");
    const os = OS.find((o) => parts.includes(o));
    const cpu = CPU.find((c) => parts.includes(c));
    if (os === undefined || cpu === undefined) continue; // not a platform build: leave it to npm
    lock.packages[where] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(parts.includes("musl") ? { libc: ["musl"] } : {}),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entr${added === 1 ? "y" : "ies"}`);
