import { startOpenMeowWebServer } from "@clawbridge/openmeow-web/server";
import type { LocalHost } from "@clawbridge/plugin-host/local-host";

/**
 * Serves the OpenMeow web app next to the local host and prints a link whose fragment carries the
 * host's Gateway URL and token (fragments never reach a server). `OPENMEOW_WEB_PORT` picks the port.
 * A missing build is reported, not fatal: the host itself keeps running.
 */
export async function startOpenMeowWeb(host: LocalHost, bind: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const web = await startOpenMeowWebServer({ bind, port: Number(env.OPENMEOW_WEB_PORT ?? 0) || 0 });
    const address = bind.includes(":") ? `[${bind}]` : bind;
    const fragment = new URLSearchParams({ gateway: `ws://${address}:${host.port}`, token: host.token });
    process.stdout.write(`  openmeow: http://${address}:${web.port}/#${fragment.toString()}\n`);
  } catch (error) {
    process.stderr.write(`openmeow web not started: ${(error as Error).message}\n`);
  }
}
