import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, readJsonBody, sendHtml, sendJson } from "./http.js";
import { renderPersonaPage } from "./page.js";
import { routes } from "./routes.js";
import { BackendStore } from "./store.js";

export interface OomiBackendOptions {
  /** The JSON file that holds every persona, job, message and device (created if missing). */
  dataFile: string;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Devices known from the start (for the embedded host and tests); pairing adds more. */
  devices?: Array<{ deviceId: string; deviceToken: string; label?: string }>;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface RunningOomiBackend {
  url: string;
  port: number;
  store: BackendStore;
  stop(): Promise<void>;
}

/** Starts the local Oomi backend on loopback. */
export async function startOomiBackend(options: OomiBackendOptions): Promise<RunningOomiBackend> {
  const host = options.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) throw new Error(`oomi-backend binds loopback only, not ${host}`);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const store = await BackendStore.open(options.dataFile, log);
  if (options.devices?.length) {
    await store.mutate((data) => {
      for (const device of options.devices ?? []) {
        data.devices[device.deviceId] = {
          deviceId: device.deviceId,
          deviceToken: device.deviceToken,
          label: device.label ?? device.deviceId,
          claimedAt: data.devices[device.deviceId]?.claimedAt ?? now().toISOString(),
        };
      }
    });
  }
  let baseUrl = "";
  const deviceForToken = (header: string | undefined): string | null => {
    const token = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim();
    if (!token) return null;
    return Object.values(store.data.devices).find((d) => d.deviceToken === token)?.deviceId ?? null;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    try {
      if (req.method === "GET" && url.pathname === "/") return sendHtml(res, renderPersonaPage(store.data));
      const candidates = routes.filter((r) => r.pattern.test(url.pathname));
      if (candidates.length === 0) throw new HttpError(404, "not_found", `no route ${url.pathname}`);
      const route = candidates.find((r) => r.method === req.method);
      if (!route) throw new HttpError(405, "method_not_allowed", `${req.method} is not allowed on ${url.pathname}`);
      const deviceId = deviceForToken(req.headers.authorization);
      if (route.auth && !deviceId)
        throw new HttpError(401, "unauthorized", "a valid device token is required (Authorization: Bearer <deviceToken>)");
      const body = req.method === "POST" ? await readJsonBody(req) : undefined;
      const params = (route.pattern.exec(url.pathname) ?? []).slice(1);
      const result = await route.handle({ store, now, deviceId, body, params, baseUrl });
      sendJson(res, result.status, result.body);
    } catch (error) {
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: error.message, code: error.code, ...(error.field ? { field: error.field } : {}) });
      } else {
        log(`request ${req.method} ${url.pathname} failed: ${(error as Error).stack ?? error}`);
        sendJson(res, 500, { error: "internal error", code: "internal" });
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url: baseUrl,
    port,
    store,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
