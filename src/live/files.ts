import { realpathSync, statSync } from "node:fs";
import { extname, join, sep } from "node:path";

/** What a logs folder holds that a page may show: reports, logs, run.json, exports, charts. */
export const SERVED_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".jsonl": "text/plain; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Folders never served: CURVE key pairs (`run --curve` keeps a run's keys in `keys/`). */
const PRIVATE = new Set(["keys"]);

/**
 * One decoded path segment that names an entry of the folder above it, and nothing else: not
 * empty, not `.` or `..`, no separator or NUL (an encoded `%2F` or `%5C` decodes to one), no
 * hidden file.
 */
export function safeSegment(s: string): boolean {
  return s !== "" && !s.startsWith(".") && !/[/\\\0]/.test(s);
}

/** Decodes a URL path into segments, or undefined when a segment is malformed or not safe. */
export function segmentsOf(pathname: string): string[] | undefined {
  const raw = pathname.split("/").slice(1);
  // A trailing slash names the folder itself.
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  const out: string[] = [];
  for (const part of raw) {
    let s: string;
    try {
      s = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (!safeSegment(s)) return undefined;
    out.push(s);
  }
  return out;
}

/**
 * The file `segments` names under `root`, or undefined unless it is a regular file of a served
 * type inside root once every link is followed (a symlink out of the logs folder is refused),
 * and not under a private folder.
 */
export function fileUnder(root: string, segments: readonly string[]): string | undefined {
  if (segments.length === 0 || !segments.every(safeSegment)) return undefined;
  if (segments.some((s) => PRIVATE.has(s))) return undefined;
  if (SERVED_TYPES[extname(segments[segments.length - 1] as string)] === undefined) return undefined;
  try {
    const base = realpathSync(root);
    const real = realpathSync(join(base, ...segments));
    if (!real.startsWith(base + sep)) return undefined;
    if (
      real
        .slice(base.length + 1)
        .split(sep)
        .some((s) => PRIVATE.has(s))
    )
      return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The folder `segments` names under `root` (links followed, still inside root), or undefined. */
export function folderUnder(root: string, segments: readonly string[]): string | undefined {
  if (!segments.every(safeSegment) || segments.some((s) => PRIVATE.has(s))) return undefined;
  try {
    const base = realpathSync(root);
    const real = realpathSync(join(base, ...segments));
    if (real !== base && !real.startsWith(base + sep)) return undefined;
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}
