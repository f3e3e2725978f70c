import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KichiClientFrameSchema, KichiWorldIdentitiesFileSchema } from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";
import { type WebSocket, WebSocketServer } from "ws";
import { renderRoomPage } from "./page.js";
import { type Delivery, KichiWorld } from "./world.js";

export const KICHI_WORLD_WS_PATH = "/ws/openclaw";
const MAX_FRAME_BYTES = 64 * 1024;

export interface KichiWorldServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Where issued identities are kept across restarts; in memory only when omitted. */
  identitiesFile?: string;
  now?: () => Date;
  log?: (line: string) => void;
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

/**
 * Starts a Kichi World server on 127.0.0.1: the plugin protocol over WebSocket at `/ws/openclaw`,
 * the room page at `/`, the room as JSON at `/state.json`. A malformed frame gets an `error` frame.
 */
export async function startKichiWorld(options: KichiWorldServerOptions = {}): Promise<RunningKichiWorld> {
  const log = options.log ?? (() => {});
  const identitiesFile = options.identitiesFile;
  let saving = Promise.resolve();
  const world = new KichiWorld({
    ...(options.now ? { now: options.now } : {}),
    onIdentitiesChanged: () => {
      if (!identitiesFile) return;
      const snapshot = world.identities();
      saving = saving
        .then(() => writeJsonAtomic(identitiesFile, snapshot, { secret: true }))
        .catch((error) => log(`could not save identities: ${(error as Error).message}`));
    },
  });
  if (identitiesFile) {
    const read = await readJsonFile(identitiesFile, KichiWorldIdentitiesFileSchema);
    if (read.status === "ok") world.loadIdentities(read.value);
    if (read.status === "corrupt") log(`identities file was corrupt (${read.reason}); moved to ${read.movedTo}`);
  }

  const sockets = new Map<string, WebSocket>();
  const http = createServer((req, res) => serveHttp(world, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const deliver = (deliveries: Delivery[]) => {
    for (const { to, frame } of deliveries) {
      const targets = "connection" in to ? [to.connection] : world.connectionsOf(to.avatar);
      const text = JSON.stringify(frame);
      for (const id of targets) {
        const socket = sockets.get(id);
        if (socket?.readyState === socket?.OPEN) socket?.send(text);
      }
    }
  };
  const sendError = (socket: WebSocket, code: string, message: string, requestId?: string) =>
    socket.send(JSON.stringify({ type: "error", ...(requestId ? { requestId } : {}), code, message }));

  wss.on("connection", (socket: WebSocket) => {
    const id = randomUUID();
    sockets.set(id, socket);
    socket.on("message", (data, isBinary) => {
      if (isBinary) return sendError(socket, "binary_frame", "Frames must be JSON text");
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        return sendError(socket, "invalid_json", "Frame is not valid JSON");
      }
      const requestId =
        typeof (json as { requestId?: unknown })?.requestId === "string" ? (json as { requestId: string }).requestId : undefined;
      const parsed = KichiClientFrameSchema.safeParse(json);
      if (!parsed.success) {
        const type = (json as { type?: unknown } | null)?.type;
        const issues = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".") || "(frame)"}: ${i.message}`)
          .join("; ");
        return sendError(socket, "invalid_frame", `Invalid ${typeof type === "string" ? `"${type}" ` : ""}frame: ${issues}`, requestId);
      }
      try {
        deliver(world.handle(id, parsed.data));
      } catch (error) {
        log(`frame ${parsed.data.type} failed: ${(error as Error).message}`);
        sendError(socket, "internal_error", "The server could not handle this frame", requestId);
      }
    });
    socket.on("error", (error) => log(`socket ${id}: ${error.message}`));
    socket.on("close", () => {
      sockets.delete(id);
      world.disconnect(id);
    });
  });

  http.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://local").pathname;
    if (path !== KICHI_WORLD_WS_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
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
      for (const socket of sockets.values()) socket.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await saving;
    },
  };
}

function serveHttp(world: KichiWorld, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", "http://local").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "content-type": "text/plain", allow: "GET, HEAD" }).end("read-only\n");
    return;
  }
  if (path === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(renderRoomPage(world.snapshot()));
  } else if (path === "/state.json") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(world.snapshot()));
  } else if (path === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  } else {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
}
