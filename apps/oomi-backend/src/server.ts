import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { isOomiStoreKey } from "@clawbridge/contracts";
import { bearerToken, createGuardedServer, refuseSocket, requestTarget, secretEquals } from "@clawbridge/plugin-host";
import { attachDeviceBroker, type DeviceBroker } from "./broker.js";
import { HttpError, readJsonBody, sendHtml, sendJson } from "./http.js";
import { renderInvitePage, renderPersonaPage } from "./page.js";
import { DEFAULT_MAX_PENDING_PAIR_CODES, routes } from "./routes.js";
import { BackendStore, StoreUnavailableError, type StoreWriter } from "./store.js";

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
  /** Open connections past which a new one is refused with a 503 `too_many_connections`; default 512. */
  maxConnections?: number;
  /** Time a client has to send its request headers; default 10 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request, body included; default 30 s. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept; default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Pair codes pending at once before `pair/start` answers 429; default 100. */
  maxPendingPairCodes?: number;
  /** How the store file is written (default: atomic, fsynced, 0600); tests inject failing writers. */
  writeStoreFile?: StoreWriter;
  /**
   * Serve the device broker WebSocket (`/v1/device/ws`, `/cable`); default true. Off, an upgrade is a
   * 404 and devices fall back to polling `/v1/channel/plugin/poll`.
   */
  brokerWebSocket?: boolean;
  /** Largest broker frame accepted; a larger one closes the socket with 1009. Default 64 KiB. */
  maxBrokerFrameBytes?: number;
}

export interface RunningOomiBackend {
  url: string;
  port: number;
  store: BackendStore;
  stop(): Promise<void>;
}

/** Where an invite link points (`invite_links/start` hands out `<appUrl>/invite/<code>`). */
const INVITE_PATH = /^\/invite\/([A-Za-z0-9_-]{1,64})$/;

/** The error envelope of every non-2xx answer (`OomiBackendErrorBodySchema`). */
const errorBody = (_status: number, code: string, message: string) => ({ error: message, code });

function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.message, code: error.code, ...(error.field ? { field: error.field } : {}) });
}

/** Starts the local Oomi backend on loopback. */
export async function startOomiBackend(options: OomiBackendOptions): Promise<RunningOomiBackend> {
  const host = options.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) throw new Error(`oomi-backend binds loopback only, not ${host}`);
  for (const device of options.devices ?? []) {
    if (!isOomiStoreKey(device.deviceId))
      throw new Error(`device id ${JSON.stringify(device.deviceId)} cannot be used (empty or reserved)`);
  }
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const store = await BackendStore.open(options.dataFile, { log, write: options.writeStoreFile });
  if (options.devices?.length) {
    await store.mutate((data) => {
      for (const device of options.devices ?? []) {
        data.devices.set(device.deviceId, {
          deviceId: device.deviceId,
          deviceToken: device.deviceToken,
          label: device.label ?? device.deviceId,
          claimedAt: data.devices.get(device.deviceId)?.claimedAt ?? now().toISOString(),
        });
      }
    });
  }
  let baseUrl = "";
  const maxPendingPairCodes = options.maxPendingPairCodes ?? DEFAULT_MAX_PENDING_PAIR_CODES;
  /** Every device's token is compared in constant time, and all of them, so timing tells nothing about a match. */
  const deviceForToken = (token: string | undefined): string | null => {
    if (token === undefined) return null;
    let found: string | null = null;
    for (const device of store.data.devices.values()) if (secretEquals(token, device.deviceToken)) found = device.deviceId;
    return found;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = requestTarget(req);
    try {
      if (req.method === "GET" && pathname === "/") return sendHtml(res, renderPersonaPage(store.data));
      const inviteCode = req.method === "GET" ? INVITE_PATH.exec(pathname)?.[1] : undefined;
      if (inviteCode !== undefined) {
        const invite = store.data.invites.get(inviteCode);
        if (!invite || Date.parse(invite.expiresAt) <= now().getTime()) {
          return sendHtml(res, "<!doctype html><title>Oomi invite</title><h1>This invite link is unknown or has expired</h1>\n", 404);
        }
        return sendHtml(res, renderInvitePage(invite));
      }
      const candidates = routes.filter((r) => r.pattern.test(pathname));
      if (candidates.length === 0) throw new HttpError(404, "not_found", `no route ${pathname}`);
      const route = candidates.find((r) => r.method === req.method);
      if (!route) throw new HttpError(405, "method_not_allowed", `${req.method} is not allowed on ${pathname}`);
      const deviceId = route.auth ? deviceForToken(bearerToken(req)) : null;
      if (route.auth && !deviceId)
        throw new HttpError(401, "unauthorized", "a valid device token is required (Authorization: Bearer <deviceToken>)");
      const body = req.method === "POST" ? await readJsonBody(req) : undefined;
      const params = (route.pattern.exec(pathname) ?? []).slice(1);
      const result = await route.handle({
        store,
        now,
        deviceId,
        body,
        params,
        baseUrl,
        maxPendingPairCodes,
        chatQueued: (device) => broker?.notify(device),
      });
      sendJson(res, result.status, result.body);
    } catch (error) {
      if (error instanceof HttpError) return sendError(res, error);
      // The store logged the cause and kept its committed state: the client may retry as is.
      if (error instanceof StoreUnavailableError)
        return sendError(res, new HttpError(503, "store_unavailable", "the change could not be saved and was not applied; retry"));
      throw error;
    }
  };
  const server: Server = createGuardedServer(handle, {
    errorBody,
    log: (line) => log(`request ${line}`),
    maxConnections: options.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs,
  });
  const broker: DeviceBroker | null =
    options.brokerWebSocket === false
      ? null
      : attachDeviceBroker(server, { store, now, log, deviceForToken, errorBody, maxFrameBytes: options.maxBrokerFrameBytes });
  if (!broker) {
    server.on("upgrade", (_req: IncomingMessage, socket: Duplex) => {
      socket.on("error", () => socket.destroy());
      refuseSocket(socket, 404, "Not Found", errorBody(404, "not_found", "this backend serves no device broker WebSocket; poll instead"));
    });
  }
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
        broker?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
