import assert from "node:assert/strict";

/**
 * Waits until `probe` holds, polling every `everyMs` on the event loop; fails after `limitMs`,
 * saying what it waited for (`what` may be a function, to report the state at that moment).
 * For waiting on real processes and sockets: the bound only stops a hung test.
 */
export async function until(
  what: string | (() => string),
  probe: () => boolean,
  limitMs = 10_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!probe()) {
    if (Date.now() > deadline)
      assert.fail(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
