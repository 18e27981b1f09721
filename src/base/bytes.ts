/**
 * True when `bytes` stand at `at` in `buffer`, all before `end`. A plain loop: for the few
 * bytes of an id or a key it is cheaper than Buffer's compare/equals, which cross into C++.
 */
export function bytesAt(buffer: Uint8Array, at: number, end: number, bytes: Uint8Array): boolean {
  if (at + bytes.length > end) return false;
  for (let i = 0; i < bytes.length; i++) if (buffer[at + i] !== bytes[i]) return false;
  return true;
}
