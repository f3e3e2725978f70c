import { createServer } from "node:net";

export const DEFAULT_PERSONA_PORT = 4789;
export const PORT_PROBE_ATTEMPTS = 50;

/** True when nothing listens on the port on any interface (what `--host 0.0.0.0` will need). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

/** The first free port from `preferred`, probing at most `attempts` ports. */
export async function findAvailablePort(preferred: number, attempts = PORT_PROBE_ATTEMPTS): Promise<number> {
  for (let offset = 0; offset < attempts; offset += 1) {
    const port = preferred + offset;
    if (port > 65535) break;
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${preferred}..${preferred + attempts - 1}`);
}
