/**
 * One row of the table-driven CLI edge test (test/cli/edges.test.ts): a user's mistake and what
 * clocklab must answer. Each row runs `clocklab ARGS` as a real process in a fresh folder.
 */
export interface EdgeCase {
  /** What the user did, in a few words (the test's name). */
  name: string;
  /** Arguments after `clocklab`. */
  args: string[];
  /** Expected exit code: 2 for bad usage. @default 2 */
  code?: number;
  /**
   * The one line expected on stderr. It must name the flag, the value and what was expected;
   * the runner also checks that stderr is exactly one line and holds no stack trace.
   */
  stderr: RegExp;
  /** Prepares the fresh working folder (files, folders the case needs) before the run. */
  setup?: (dir: string) => void;
  /**
   * Paths (relative to the working folder) that may exist after the run besides those `setup`
   * made; by default nothing new may appear (no run folder, no half-written file).
   */
  allowNew?: string[];
  /**
   * What stdout must hold, for a row whose command finishes its report and then fails (exit 1).
   * By default stdout must be empty: a refused command prints no partial report.
   */
  stdout?: RegExp;
}
