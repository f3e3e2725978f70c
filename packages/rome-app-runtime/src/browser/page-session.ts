import { type RomeBrowserEndpoint, RomeCdpPageTargetSchema } from "@clawbridge/contracts";
import { CdpSession } from "./cdp-session.js";

export type DiscoveredBrowserEndpoint = RomeBrowserEndpoint;

/** The host's view of the browsers an app may drive. */
export interface BrowserCapabilityDiscovery {
  getBrowserEndpoints(): DiscoveredBrowserEndpoint[];
}

export interface PageReadyProbe {
  readyState?: string;
  href?: string;
}

/** A fresh page in a discovered browser, its DevTools session, and how to close both. */
export interface OpenedPageSession {
  endpoint: DiscoveredBrowserEndpoint;
  session: CdpSession;
  close(): Promise<void>;
}

/** Seams for tests and hosts; every field has a default. */
export interface PageSessionOptions {
  fetch?: typeof fetch;
  /** Bound on each HTTP call to the browser's `/json` endpoints. */
  requestTimeoutMs?: number;
  /** Bound on the wait for the page to be ready. */
  readyTimeoutMs?: number;
  /** Longest wait between two readiness probes when the page sends no load event. */
  probeIntervalMs?: number;
}

/**
 * The browser to use: the host's local Chromium (`cdp-local-chromium`) if discovered, else any whose
 * name says `local`, else the first by name; `null` when none was discovered.
 */
export function pickBrowserEndpoint(endpoints: DiscoveredBrowserEndpoint[]): DiscoveredBrowserEndpoint | null {
  const byName = [...endpoints].sort((a, b) => a.name.localeCompare(b.name));
  return (
    byName.find((endpoint) => endpoint.name === "cdp-local-chromium") ??
    byName.find((endpoint) => endpoint.name.includes("local")) ??
    byName[0] ??
    null
  );
}

/** Whether a page can be scripted: it left `about:blank` and its document is at least interactive. */
export function isPageReadyForAutomation(probe: PageReadyProbe): boolean {
  const href = probe.href?.trim();
  if (!href || href === "about:blank") return false;
  return probe.readyState === "interactive" || probe.readyState === "complete";
}

function devtoolsBase(browserUrl: string): string {
  return browserUrl.replace(/\/+$/, "");
}

async function openTarget(endpoint: DiscoveredBrowserEndpoint, pageUrl: string, options: PageSessionOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const url = `${devtoolsBase(endpoint.browserUrl)}/json/new?${encodeURIComponent(pageUrl)}`;
  const signal = () => AbortSignal.timeout(options.requestTimeoutMs ?? 10_000);
  // Current Chromium wants PUT for /json/new; older builds only answer GET.
  let response = await fetchImpl(url, { method: "PUT", signal: signal() });
  if (response.status === 405) response = await fetchImpl(url, { method: "GET", signal: signal() });
  if (!response.ok) throw new Error(`browser "${endpoint.name}" refused to open a page: HTTP ${response.status}`);
  const target = RomeCdpPageTargetSchema.safeParse(await response.json().catch(() => undefined));
  if (!target.success) throw new Error(`browser "${endpoint.name}" opened no debuggable page for ${pageUrl}`);
  return target.data;
}

async function closeTarget(endpoint: DiscoveredBrowserEndpoint, targetId: string, options: PageSessionOptions): Promise<void> {
  const fetchImpl = options.fetch ?? fetch;
  const url = `${devtoolsBase(endpoint.browserUrl)}/json/close/${encodeURIComponent(targetId)}`;
  // The page may already be gone (the browser closed, the user closed the tab): nothing is left to free.
  await fetchImpl(url, { signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000) }).then(
    (response) => response.body?.cancel(),
    () => undefined,
  );
}

const LOAD_EVENTS = [
  "Page.domContentEventFired",
  "Page.loadEventFired",
  "Page.frameNavigated",
  "Page.frameRequestedNavigation",
  "Page.frameStartedLoading",
  "Page.frameStoppedLoading",
];

/** Resolves at the page's next load or navigation event, or after `ms` if none comes. */
function nextLoadEventOr(session: CdpSession, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const stops: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const stop of stops) stop();
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const event of LOAD_EVENTS) stops.push(session.on(event, done));
  });
}

const frameIdOf = (params: unknown) => (params as { frameId?: unknown } | undefined)?.frameId;

/**
 * Tracks whether the main frame is between a requested navigation and the end of its load, from the
 * page's own events: a page that is ready now but about to leave (a redirect issued at load) is not
 * ready to script.
 */
async function watchMainFrame(session: CdpSession): Promise<{ navigating: () => boolean; stop: () => void }> {
  const tree = await session.send<{ frameTree: { frame: { id: string } } }>("Page.getFrameTree");
  const main = tree.frameTree.frame.id;
  let navigating = false;
  const stops = [
    session.on("Page.frameRequestedNavigation", (params) => {
      if (frameIdOf(params) === main) navigating = true;
    }),
    session.on("Page.frameStartedLoading", (params) => {
      if (frameIdOf(params) === main) navigating = true;
    }),
    session.on("Page.frameStoppedLoading", (params) => {
      if (frameIdOf(params) === main) navigating = false;
    }),
  ];
  return {
    navigating: () => navigating,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}

/**
 * Waits until the page is ready to script: no main-frame navigation in flight, and ready by
 * `isPageReadyForAutomation` at the same address on two probes in a row. Probes again at each load or
 * navigation event, or every `probeIntervalMs`, and gives up at `readyTimeoutMs`.
 */
async function waitUntilReady(session: CdpSession, options: PageSessionOptions): Promise<void> {
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  const frame = await watchMainFrame(session);
  try {
    let lastReadyHref: string | undefined;
    while (Date.now() < deadline) {
      const probe = frame.navigating()
        ? {}
        : await session
            .evaluateByValue<PageReadyProbe>("({ readyState: document.readyState, href: location.href })")
            .catch(() => ({}) as PageReadyProbe); // Mid-navigation the context can vanish: not ready yet.
      if (isPageReadyForAutomation(probe) && !frame.navigating()) {
        if (probe.href === lastReadyHref) return;
        lastReadyHref = probe.href;
      } else {
        lastReadyHref = undefined;
      }
      await nextLoadEventOr(session, Math.min(options.probeIntervalMs ?? 250, Math.max(0, deadline - Date.now())));
    }
  } finally {
    frame.stop();
  }
  throw new Error(`the page was not ready to script within ${timeoutMs} ms`);
}

/**
 * Closes the page and its session. `/json/close` only starts closing, so the page is asked to close over
 * its own connection first, and the connection dropping (the page is gone) is what this waits for.
 */
async function closePage(
  session: CdpSession,
  endpoint: DiscoveredBrowserEndpoint,
  targetId: string,
  options: PageSessionOptions,
): Promise<void> {
  if (!session.closed) {
    const gone = session.closedByPeer();
    const asked = await session.send("Page.close").then(
      () => true,
      () => false,
    );
    if (asked) await gone;
  }
  await session.close();
  await closeTarget(endpoint, targetId, options);
}

/** Opens `pageUrl` in a new page of the discovered browser and waits until it can be scripted. */
export async function openDiscoveredPageSession(
  capabilityDiscovery: BrowserCapabilityDiscovery,
  pageUrl: string,
  options: PageSessionOptions = {},
): Promise<OpenedPageSession> {
  if (!URL.canParse(pageUrl)) throw new TypeError(`not a page address: ${JSON.stringify(pageUrl)}`);
  const endpoint = pickBrowserEndpoint(capabilityDiscovery.getBrowserEndpoints());
  if (!endpoint) throw new Error("no browser was discovered to open a page in");
  const target = await openTarget(endpoint, pageUrl, options);
  let session: CdpSession | undefined;
  try {
    session = await CdpSession.connect(target.webSocketDebuggerUrl);
    await session.send("Page.enable");
    await session.send("Runtime.enable");
    await waitUntilReady(session, options);
  } catch (error) {
    await session?.close();
    await closeTarget(endpoint, target.id, options);
    throw error;
  }
  const opened = session;
  return { endpoint, session: opened, close: () => closePage(opened, endpoint, target.id, options) };
}
