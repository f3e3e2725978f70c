import { type StaticServer, startOpenMeowWebServer } from "@clawbridge/openmeow-web/server";

/**
 * Serves the OpenMeow web app on `bind`:`port` (0: a free one). A missing build is reported, not fatal:
 * the rest keeps running without the UI.
 */
export async function startEmbeddedOpenMeowWeb(bind: string, port: number): Promise<StaticServer | { error: string }> {
  try {
    return await startOpenMeowWebServer({ bind, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw error;
    return { error: (error as Error).message };
  }
}

/** The page's link: its fragment carries the Gateway WebSocket URL and token (a fragment never reaches a server). */
export function openMeowLink(web: StaticServer, bind: string, gatewayWsUrl: string, token: string): string {
  const address = bind.includes(":") ? `[${bind}]` : bind;
  return `http://${address}:${web.port}/#${new URLSearchParams({ gateway: gatewayWsUrl, token }).toString()}`;
}
