import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium; CI installs it (.ci/run). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Why browser tests cannot run here, or undefined when they can. In CI they always run (and
 * fail loudly if Chromium is missing), so a broken install cannot pass as a skip.
 */
export function browserMissing(): string | undefined {
  if (process.env.CI === "true" || existsSync(CHROMIUM)) return undefined;
  return `${CHROMIUM} not found (apt-get install -y chromium)`;
}

/** Launches headless Chromium with no network chatter of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
