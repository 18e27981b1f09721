const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs `work` with an AbortSignal that fires on SIGINT or SIGTERM, so a command can stop
 * cleanly (write its records, stop its children, remove a run's namespaces) instead of dying
 * mid-write. Every signal while the work runs only asks it to stop: an impatient second Ctrl-C
 * must not kill the process in the middle of that clean-up. Once the work has stopped on a
 * signal, a further one ends the process at once, as interrupted (130), as the first one asked.
 */
export async function untilSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    // Installed before the work's own handler goes, and never removed: removing a signal's last
    // listener gives the signal back its default action, and one more Ctrl-C arriving while the
    // process exits would then kill it by the signal instead of ending it with 130.
    if (controller.signal.aborted) for (const s of SIGNALS) process.on(s, () => process.exit(130));
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
