// The README's pictures of the report: a seeded simulated demo (both experiments), its report.html
// opened in Debian's Chromium (the browser the tests use), two views written as PNG under docs/:
// what was run, what the run shows (findings, the chart against the rate ratio), and the
// space-time diagram with one event's causal past and future lit up. Then a real run watched
// live (`run --ui`), caught in the middle of its trial.
//
//   npm run screenshot            (after npm run build)
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../test/helpers/browser.js";

const OUT = "docs";
const dir = mkdtempSync(join(tmpdir(), "clocklab-shot-"));
try {
  const sim = spawnSync(
    process.execPath,
    ["dist/cli/index.js", "sim", "--experiment", "all", "--seed", "1", "--html", "--log-dir", dir],
    { encoding: "utf8" },
  );
  if (sim.status !== 0) throw new Error(`sim failed (${sim.status}): ${sim.stderr}`);
  const html = join(dir, "latest", "report.html");
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(`file://${html}`);
    await page.waitForSelector("#st[data-ready=true]");
    mkdirSync(OUT, { recursive: true });
    const top = join(OUT, "report-top.png");
    await page.screenshot({ path: top, clip: { x: 0, y: 0, width: 1400, height: 780 } });
    const findings = join(OUT, "report-findings.png");
    // The words and the first experiment's findings: the whole section is too tall for a README.
    const box = await page.locator("#exercise").boundingBox();
    if (box === null) throw new Error("report.html has no #exercise section");
    await page.screenshot({
      path: findings,
      fullPage: true,
      clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 720) },
    });
    // The diagram with VM 5002's tick 20 chosen: its past and future lit, the rest dimmed.
    await page.fill("#st-search", "vm:5002 tick:20");
    await page.click('#st-results button[data-vm="5002"][data-tick="20"]');
    const section = page.locator("#st");
    await section.scrollIntoViewIfNeeded();
    const diagram = join(OUT, "report-diagram.png");
    await section.screenshot({ path: diagram });
    for (const file of [top, findings, diagram])
      console.log(`${file}: ${(statSync(file).size / 1024).toFixed(0)} KB`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The live page of a real run (3 VMs, rates 1, 3 and 6), 14 s into a trial of 20 s.
const live = mkdtempSync(join(tmpdir(), "clocklab-shot-live-"));
const run = spawn(
  process.execPath,
  [
    "dist/cli/index.js",
    "run",
    "--ui",
    "--ui-port",
    "0",
    "--rates",
    "1,3,6",
    "--trials",
    "2",
    "--duration",
    "20",
  ].concat(["--seed", "4", "--start-delay", "2000", "--no-html", "--log-dir", live]),
  { stdio: ["ignore", "pipe", "inherit"] },
);
try {
  let out = "";
  run.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  while (!/^live: http/m.test(out)) {
    if (run.exitCode !== null) throw new Error(`run --ui exited: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /^live: (\S+)/m.exec(out)?.[1] as string;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.waitForTimeout(2000 + 14_000);
    const file = join(OUT, "live.png");
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 1400, height: 960 } });
    console.log(`${file}: ${(statSync(file).size / 1024).toFixed(0)} KB`);
  } finally {
    await browser.close();
  }
} finally {
  run.kill("SIGINT");
  await new Promise((r) => run.once("exit", r));
  rmSync(live, { recursive: true, force: true });
}
