import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  type KichiClientFrame,
  KichiClientFrameSchema,
  type KichiServerFrame,
  type KichiWorldHttpError,
  KichiWorldIdentitiesFileSchema,
} from "@clawbridge/contracts";
import {
  createGuardedServer,
  heartbeatWebSockets,
  RequestTargetError,
  readJsonFile,
  refuseSocket,
  removeStaleTempFiles,
  requestTarget,
  sendJson,
} from "@clawbridge/plugin-host";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { IdentitiesFile } from "./identities-file.js";
import { renderRoomPage } from "./page.js";
import { type CurrentUserActivity, type Delivery, KichiWorld } from "./world.js";

export const KICHI_WORLD_WS_PATH = "/ws/openclaw";
/** WebSocket close code for a socket that did not join in time (RFC 6455 "policy violation"). */
export const JOIN_TIMEOUT_CLOSE_CODE = 1008;
const CLOSE_GRACE_MS = 1_000;

export interface KichiWorldServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Where issued identities are kept across restarts; in memory only when omitted. */
  identitiesFile?: string;
  now?: () => Date;
  log?: (line: string) => void;
  /** Largest WebSocket frame: ws refuses a longer one from its header, before buffering it (close 1009). Default 64 KiB. */
  maxFrameBytes?: number;
  /** Open sockets (HTTP and WebSocket) past which a new one is refused with a JSON 503. Default 512. */
  maxConnections?: number;
  /** Avatars the world issues keys to; a join of a new avatar past it is refused. Default 10,000. */
  maxIdentities?: number;
  /** What the person at the client is doing (`currentUserActivity`); null when nobody is there. Default: typing at the desk. */
  currentUserActivity?: CurrentUserActivity | null;
  /**
   * A WebSocket that has not joined or rejoined within this is closed (1008). Default 120 s: the forwarder
   * connects when an agent picks a host and joins when the agent calls kichi_join, which may be a while.
   */
  joinTimeoutMs?: number;
  /** How often every WebSocket is pinged; one that did not answer the previous ping is closed. Default 30 s. */
  heartbeatIntervalMs?: number;
  /** Time for an HTTP client to send its request headers. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time for an HTTP client to send its whole request. Default 30 s. */
  requestTimeoutMs?: number;
}

export interface RunningKichiWorld {
  port: number;
  /** `127.0.0.1:<port>`, what `kichi_switch_host` takes for the test environment. */
  host: string;
  url: string;
  wsUrl: string;
  world: KichiWorld;
  close(): Promise<void>;
}

/** One open WebSocket. */
interface Peer {
  id: string;
  socket: WebSocket;
  /** Closes the socket unless it joins first; cleared by a join or rejoin. */
  joinTimer: NodeJS.Timeout | undefined;
  /**
   * Set while a reply waits for the identities write: later replies queue behind it, so a
   * connection's replies keep the order of its frames.
   */
  outbox: Promise<void> | undefined;
}

const errorBody = (_status: number, code: string, message: string): KichiWorldHttpError => ({ ok: false, error: { code, message } });

/**
 * Starts a Kichi World server on 127.0.0.1: the plugin protocol over WebSocket at `/ws/openclaw`,
 * the room page at `/`, the room as JSON at `/state.json`. A malformed frame gets an `error` frame, a
 * malformed request a JSON 400; nothing a client sends can stop the server. `join_ack` and
 * `leave_ack` are sent only once the identities file holds the change.
 */
export async function startKichiWorld(options: KichiWorldServerOptions = {}): Promise<RunningKichiWorld> {
  const log = options.log ?? (() => {});
  const world = new KichiWorld({
    now: options.now,
    maxIdentities: options.maxIdentities,
    ...(options.currentUserActivity === undefined ? {} : { currentUserActivity: options.currentUserActivity }),
  });
  const identities = options.identitiesFile ? await openIdentities(options.identitiesFile, world, log) : undefined;

  const peers = new Map<string, Peer>();
  const http = createGuardedServer((req, res) => serveHttp(world, req, res), {
    errorBody,
    log,
    maxConnections: options.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 64 * 1024 });
  // ws's own handshake refusals (a bad method, key or version) get the JSON envelope every other error has.
  wss.on("wsClientError", (error: Error, socket: Duplex, req: IncomingMessage) => {
    if (req.method !== "GET") {
      refuseSocket(socket, 405, "Method Not Allowed", errorBody(405, "method_not_allowed", "A WebSocket upgrade is a GET"));
    } else refuseSocket(socket, 400, "Bad Request", errorBody(400, "bad_request", `WebSocket handshake: ${error.message}`));
  });
  const stopHeartbeat = heartbeatWebSockets(wss, { intervalMs: options.heartbeatIntervalMs ?? 30_000 });
  const joinTimeoutMs = options.joinTimeoutMs ?? 120_000;

  const send = (peer: Peer | undefined, frame: KichiServerFrame) => {
    if (peer && peer.socket.readyState === peer.socket.OPEN) peer.socket.send(JSON.stringify(frame));
  };
  const sendError = (peer: Peer, code: string, message: string, requestId?: string) =>
    send(peer, { type: "error", ...(requestId ? { requestId } : {}), code, message });

  /** Sends what the world answered to `peer`'s frame; a key it hands out only once it is on disk. */
  const deliver = (peer: Peer, deliveries: Delivery[]) => {
    const replies = deliveries.filter((d) => "connection" in d.to && d.to.connection === peer.id);
    for (const { to, frame } of deliveries) {
      if ("avatar" in to) for (const id of world.connectionsOf(to.avatar)) send(peers.get(id), frame);
      else if (to.connection !== peer.id) send(peers.get(to.connection), frame);
    }
    const durable = identities !== undefined && replies.some((d) => d.durable);
    if (!durable && !peer.outbox) {
      for (const { frame } of replies) send(peer, frame);
      return;
    }
    const saved = durable
      ? identities.save().then(
          () => true,
          () => false,
        )
      : true;
    const outbox = (peer.outbox ?? Promise.resolve()).then(async () => {
      const ok = await saved;
      for (const { frame, durable } of replies) send(peer, ok || !durable ? frame : durable.ifNotSaved);
    });
    peer.outbox = outbox;
    outbox.then(() => {
      if (peer.outbox === outbox) peer.outbox = undefined;
    });
  };

  const receive = (peer: Peer, data: RawData, isBinary: boolean) => {
    if (isBinary) return sendError(peer, "binary_frame", "Frames must be JSON text");
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return sendError(peer, "invalid_json", "Frame is not valid JSON");
    }
    const rawRequestId = (json as { requestId?: unknown } | null)?.requestId;
    const requestId = typeof rawRequestId === "string" ? rawRequestId : undefined;
    const parsed = KichiClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const type = (json as { type?: unknown } | null)?.type;
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(frame)"}: ${i.message}`)
        .join("; ");
      return sendError(peer, "invalid_frame", `Invalid ${typeof type === "string" ? `"${type}" ` : ""}frame: ${issues}`, requestId);
    }
    handleFrame(peer, parsed.data, requestId);
  };

  const handleFrame = (peer: Peer, frame: KichiClientFrame, requestId: string | undefined) => {
    let deliveries: Delivery[];
    try {
      deliveries = world.handle(peer.id, frame);
    } catch (error) {
      log(`frame ${frame.type} failed: ${(error as Error).message}`);
      return sendError(peer, "internal_error", "The server could not handle this frame", requestId);
    }
    if (peer.joinTimer && world.avatarOf(peer.id)) {
      clearTimeout(peer.joinTimer);
      peer.joinTimer = undefined;
    }
    deliver(peer, deliveries);
  };

  wss.on("connection", (socket: WebSocket) => {
    const peer: Peer = { id: randomUUID(), socket, joinTimer: undefined, outbox: undefined };
    peer.joinTimer = setTimeout(() => {
      socket.close(JOIN_TIMEOUT_CLOSE_CODE, `join or rejoin within ${joinTimeoutMs} ms`);
      // ws waits 30 s for the peer's half of the close handshake; one that never sends it is cut sooner.
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }, joinTimeoutMs);
    peer.joinTimer.unref();
    peers.set(peer.id, peer);
    socket.on("message", (data, isBinary) => {
      // ws calls this from its socket reader: a throw here would be an uncaught exception.
      try {
        receive(peer, data, isBinary);
      } catch (error) {
        log(`socket ${peer.id}: ${(error as Error).message}`);
      }
    });
    socket.on("error", (error) => log(`socket ${peer.id}: ${error.message}`));
    socket.on("close", () => {
      clearTimeout(peer.joinTimer);
      peers.delete(peer.id);
      world.disconnect(peer.id);
    });
  });

  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // node takes its own error listener off an upgraded socket; a reset before ws adds one must not crash.
    socket.on("error", () => socket.destroy());
    // The connection cap may already have answered 503 on this socket.
    if (!socket.writable) return;
    try {
      const { pathname } = requestTarget(req);
      if (pathname !== KICHI_WORLD_WS_PATH) {
        refuseSocket(socket, 404, "Not Found", errorBody(404, "not_found", `The WebSocket is at ${KICHI_WORLD_WS_PATH}`));
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    } catch (error) {
      if (error instanceof RequestTargetError) {
        refuseSocket(socket, 400, "Bad Request", errorBody(400, error.code, error.message));
        return;
      }
      log(`upgrade failed: ${(error as Error).message}`);
      refuseSocket(socket, 500, "Internal Server Error", errorBody(500, "internal", "internal error"));
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, "127.0.0.1", () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${KICHI_WORLD_WS_PATH}`,
    world,
    async close() {
      stopHeartbeat();
      for (const peer of peers.values()) {
        clearTimeout(peer.joinTimer);
        peer.socket.terminate();
      }
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await identities?.settled();
    },
  };
}

/** Loads the identities file (after removing temp files a killed write left) into the world. */
async function openIdentities(path: string, world: KichiWorld, log: (line: string) => void): Promise<IdentitiesFile> {
  const stale = await removeStaleTempFiles(path);
  if (stale.length > 0) log(`removed ${stale.length} temp file(s) an interrupted write left beside ${path}`);
  const read = await readJsonFile(path, KichiWorldIdentitiesFileSchema);
  if (read.status === "corrupt") log(`identities file was corrupt (${read.reason}); moved to ${read.movedTo}`);
  if (read.status === "ok") {
    const skipped = world.loadIdentities(read.value);
    if (skipped.length > 0) {
      log(
        `skipped ${skipped.length} saved identities whose avatar id is not valid: ${skipped.map((id) => JSON.stringify(id.slice(0, 80))).join(", ")}`,
      );
    }
  }
  return new IdentitiesFile(path, () => world.identities(), log);
}

function serveHttp(world: KichiWorld, req: IncomingMessage, res: ServerResponse): void {
  const { pathname } = requestTarget(req);
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendJson(res, 405, errorBody(405, "method_not_allowed", "This server is read-only: use GET or HEAD"), { allow: "GET, HEAD" });
    return;
  }
  if (pathname === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(renderRoomPage(world.snapshot()));
  } else if (pathname === "/state.json") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(world.snapshot()));
  } else if (pathname === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  } else {
    sendJson(res, 404, errorBody(404, "not_found", "No such page: try /, /state.json or /health"));
  }
}
