import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { CLIENT_DIR, clientBundle } from "../report/diagram/bundle.js";
import { DEFAULT_BOUNDS } from "../report/diagram/extract.js";
import { LiveFeed } from "./feed.js";
import { type PageServer, reply, replyFile, startServer } from "./http.js";
import { LIVE_EVENTS, LIVE_SCRIPT, livePage } from "./live-page.js";
import { SseStream } from "./sse.js";

/** `run --ui`: the server of one run's live page. */
export interface LiveUi {
  url: string;
  feed: LiveFeed;
  /**
   * Stops the server once every page open at the end has loaded the report (the page reloads
   * itself into it), or after `graceMs`; ends every stream and connection.
   */
  close(graceMs?: number): Promise<void>;
}

const REPORT = "report.html";
/** Built by `npm run build` from src/live/client (two folders up from here, as source or built). */
const LIVE_BUNDLE_URL = new URL("../../dist/client/live.js", import.meta.url);
const LIVE_CLIENT_DIR = fileURLToPath(new URL("./client/", import.meta.url));

/**
 * Starts the live page's server on host:port before any VM starts, so a taken port stops the
 * run with nothing begun. Its only routes: the page, its script, its event stream and, once
 * written, the run's report, which `/` then serves too (the same address shows the report).
 */
export async function startLiveUi(
  host: string,
  port: number,
  onError: (message: string) => void,
): Promise<LiveUi> {
  // Read now: a checkout without a built bundle fails here, before the run, not in the browser.
  const script = clientBundle(fileURLToPath(LIVE_BUNDLE_URL), [LIVE_CLIENT_DIR, CLIENT_DIR]);
  const feed = new LiveFeed(DEFAULT_BOUNDS.perTrial, { reportUrl: `/${REPORT}`, onError });
  let reportsServed = 0;
  const route = (segments: string[], _req: IncomingMessage, res: ServerResponse): boolean => {
    const [first, ...rest] = segments;
    if (rest.length > 0) return false;
    const report = feed.ended ? feed.reportPath : undefined;
    if (first === undefined || first === REPORT) {
      if (report !== undefined) {
        reportsServed += 1;
        replyFile(res, report);
        return true;
      }
      if (first === REPORT) return false;
      reply(res, livePage(feed.folder), "text/html; charset=utf-8");
      return true;
    }
    if (first === LIVE_SCRIPT) {
      reply(res, script, "text/javascript; charset=utf-8");
      return true;
    }
    if (first === LIVE_EVENTS) {
      const stream = new SseStream(res, () => feed.detach(stream));
      feed.attach(stream);
      return true;
    }
    return false;
  };
  const server: PageServer = await startServer(host, port, route);
  return {
    url: server.url,
    feed,
    async close(graceMs = 3000) {
      await feed.settled();
      const waiting = feed.reportPath === undefined ? 0 : feed.pages;
      const until = Date.now() + graceMs;
      while (reportsServed < waiting && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      feed.closeAll();
      await server.close();
    },
  };
}
