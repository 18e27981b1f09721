import { closeSync, constants, openSync, type Stats, statSync, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The error code of a failed file system call, e.g. EACCES. */
const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? "error";

/** The entry at `path`; undefined when there is none (ENOENT, or a file on the way: ENOTDIR). */
function entry(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if (codeOf(err) === "ENOENT" || codeOf(err) === "ENOTDIR") return undefined;
    throw err;
  }
}

/** Whether a file can be created in folder `dir`: creates one and removes it at once. */
function probeFolder(dir: string): string | undefined {
  const probe = join(dir, `.clocklab-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
    return undefined;
  } catch (err) {
    return `cannot create files in ${dir}: ${codeOf(err)}`;
  }
}

/**
 * Why `path` cannot be written as a file or as a folder of files, or undefined when it can:
 * checked before a long analysis so that a typo fails at once. Nothing is left behind (a
 * probe file is removed, missing folders are not created, an existing file is not truncated).
 */
export function unwritable(path: string, kind: "file" | "folder"): string | undefined {
  try {
    return problemOf(resolve(path), kind);
  } catch (err) {
    return `cannot reach it: ${codeOf(err)}`;
  }
}

function problemOf(full: string, kind: "file" | "folder"): string | undefined {
  const stat = entry(full);
  if (stat !== undefined) {
    if (kind === "folder") return stat.isDirectory() ? probeFolder(full) : "it is a file, not a folder";
    if (stat.isDirectory()) return "it is a folder, not a file";
    try {
      // Without O_NONBLOCK, opening a FIFO would wait for a reader.
      closeSync(openSync(full, constants.O_WRONLY | constants.O_NONBLOCK));
      return undefined;
    } catch (err) {
      // ENXIO: a FIFO with no reader yet, which writing will wait for.
      return codeOf(err) === "ENXIO" ? undefined : `cannot open it for writing: ${codeOf(err)}`;
    }
  }
  // Missing folders on the way are created when writing: the nearest existing one decides.
  let dir = dirname(full);
  for (;;) {
    const up = entry(dir);
    if (up !== undefined) return up.isDirectory() ? probeFolder(dir) : `${dir} is a file, not a folder`;
    const parent = dirname(dir);
    if (parent === dir) return `no folder of ${full} exists`;
    dir = parent;
  }
}
