import { createServer } from "node:net";

export const DEFAULT_PERSONA_PORT = 4789;
export const PORT_PROBE_ATTEMPTS = 50;

/** True when nothing listens on the port at `host` (the dev server's bind host; 0.0.0.0 covers every interface). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The first free port from `preferred`, probing at most `attempts` ports. */
export async function findAvailablePort(preferred: number, host: string, attempts = PORT_PROBE_ATTEMPTS): Promise<number> {
  for (let offset = 0; offset < attempts; offset += 1) {
    const port = preferred + offset;
    if (port > 65535) break;
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`no free port in ${preferred}..${preferred + attempts - 1}`);
}
