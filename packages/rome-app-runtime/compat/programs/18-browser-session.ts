// Opening a page in a discovered browser and talking DevTools protocol to it.
import {
  type BrowserCapabilityDiscovery,
  CdpSession,
  type DiscoveredBrowserEndpoint,
  type OpenedPageSession,
  openDiscoveredPageSession,
  pickBrowserEndpoint,
} from "@rome-os/app-runtime";

const endpoints: DiscoveredBrowserEndpoint[] = [
  { name: "remote-chrome", browserUrl: "http://10.0.0.2:9222" },
  { name: "cdp-local-chromium", browserUrl: "http://127.0.0.1:9222/" },
];

export const chosen: DiscoveredBrowserEndpoint | null = pickBrowserEndpoint(endpoints);

const discovery: BrowserCapabilityDiscovery = { getBrowserEndpoints: () => endpoints };

export async function title(url: string): Promise<string> {
  const page: OpenedPageSession = await openDiscoveredPageSession(discovery, url);
  try {
    await page.session.send("Page.bringToFront");
    const layout = await page.session.send<{ cssLayoutViewport: { clientWidth: number } }>("Page.getLayoutMetrics", {});
    const heading = await page.session.evaluateByValue<string>("document.title");
    return `${heading} (${layout.cssLayoutViewport.clientWidth}px, ${page.endpoint.name})`;
  } finally {
    await page.close();
  }
}

export async function raw(webSocketUrl: string): Promise<number> {
  const session = await CdpSession.connect(webSocketUrl);
  try {
    return await session.evaluateByValue<number>("1 + 1");
  } finally {
    await session.close();
  }
}
