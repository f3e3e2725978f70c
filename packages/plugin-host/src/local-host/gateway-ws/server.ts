import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  GATEWAY_PRECONNECT_FRAME_LIMIT_BYTES,
  GATEWAY_PROTOCOL_VERSION,
  GatewayConnectParamsSchema,
  GatewayRequestFrameSchema,
} from "@clawbridge/contracts";
import { type WebSocket, WebSocketServer } from "ws";
import { errorMessage } from "../../tool-result.js";
import type { GatewayHostPort } from "./host-port.js";
import { GatewayMethodError, gatewayMethods } from "./methods.js";
import { type RunEvent, RunRegistry, type RunRegistryOptions } from "./runs.js";
import { GATEWAY_METHOD_SCOPES, grantsScope } from "./scopes.js";

export interface GatewayProtocolOptions extends RunRegistryOptions {
  /** Largest frame after connect (the gateway's `policy.maxPayload`). */
  maxPayloadBytes?: number;
  /** The server version `hello-ok` reports. */
  version?: string;
}

interface Connection {
  socket: WebSocket;
  connected: boolean;
  scopes: string[];
  caps: Set<string>;
  seq: number;
}

const GATEWAY_EVENTS = ["agent", "chat", "exec.approval.requested", "exec.approval.resolved", "sessions.changed"];

/**
 * The Gateway WebSocket protocol v4 subset of the local host: `connect.challenge` → `connect`
 * (token or password, scopes, caps) → `hello-ok`, then the methods of `gatewayMethods` and the
 * `agent`/`chat` events of the scripted runs. Every inbound frame is validated; a bad one gets an
 * error frame and never takes the host down.
 */
export class GatewayProtocolServer {
  readonly #host: GatewayHostPort;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #runs: RunRegistry;
  readonly #methods: ReturnType<typeof gatewayMethods>;
  readonly #maxPayload: number;
  readonly #version: string;

  constructor(host: GatewayHostPort, options: GatewayProtocolOptions = {}) {
    this.#host = host;
    this.#maxPayload = options.maxPayloadBytes ?? 25 * 1024 * 1024;
    this.#version = options.version ?? "clawbridge-local";
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.#maxPayload });
    this.#runs = new RunRegistry(host, (event) => this.#broadcast(event), options);
    this.#methods = gatewayMethods(host, this.#runs);
  }

  get methods(): string[] {
    return Object.keys(this.#methods);
  }

  /** Accepts WebSocket upgrades on the host's HTTP server. */
  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    });
  }

  #accept(socket: WebSocket): void {
    const connection: Connection = { socket, connected: false, scopes: [], caps: new Set(), seq: 0 };
    this.#connections.add(connection);
    socket.on("close", () => this.#connections.delete(connection));
    socket.on("error", (error) => this.#host.logger.warn(`gateway socket error: ${errorMessage(error)}`));
    socket.on("message", (data, isBinary) => {
      this.#onMessage(connection, data as Buffer, isBinary).catch((error) => {
        this.#host.logger.error(`gateway frame handling failed: ${errorMessage(error)}`);
      });
    });
    this.#send(connection, { type: "event", event: "connect.challenge", payload: { nonce: randomUUID(), ts: Date.now() } });
  }

  #send(connection: Connection, frame: Record<string, unknown>): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(frame));
  }

  #error(connection: Connection, id: string, code: string, message: string, details?: unknown): void {
    this.#send(connection, { type: "res", id, ok: false, error: details === undefined ? { code, message } : { code, message, details } });
  }

  async #onMessage(connection: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    if (!connection.connected && data.length > GATEWAY_PRECONNECT_FRAME_LIMIT_BYTES) {
      this.#error(connection, "", "INVALID_REQUEST", "frame before connect exceeds 64 KiB");
      connection.socket.close(1009, "frame too large");
      return;
    }
    let json: unknown;
    try {
      if (isBinary) throw new Error("binary frames are not supported");
      json = JSON.parse(data.toString("utf8"));
    } catch (error) {
      this.#error(connection, "", "INVALID_REQUEST", `invalid frame: ${errorMessage(error)}`);
      return;
    }
    const frame = GatewayRequestFrameSchema.safeParse(json);
    if (!frame.success) {
      const id = json && typeof json === "object" && typeof (json as { id?: unknown }).id === "string" ? (json as { id: string }).id : "";
      this.#error(
        connection,
        id,
        "INVALID_REQUEST",
        `invalid request frame: ${frame.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; ")}`,
      );
      return;
    }
    const { id, method, params } = frame.data;
    if (!connection.connected) {
      this.#connect(connection, id, method, params);
      return;
    }
    if (method === "connect") return this.#error(connection, id, "INVALID_REQUEST", "already connected");
    const handler = this.#methods[method];
    if (!handler) return this.#error(connection, id, "INVALID_REQUEST", `unknown method: ${method}`);
    const scope = GATEWAY_METHOD_SCOPES[method] ?? "operator.admin";
    if (!grantsScope(connection.scopes, scope)) {
      return this.#error(connection, id, "FORBIDDEN", `missing scope: ${scope}`, {
        code: "MISSING_SCOPE",
        missingScope: scope,
        requiredScopes: [scope],
      });
    }
    try {
      const payload = await handler(params);
      this.#send(connection, { type: "res", id, ok: true, payload });
    } catch (error) {
      if (error instanceof GatewayMethodError) return this.#error(connection, id, error.code, error.message, error.details);
      this.#host.logger.error(`gateway method ${method} failed: ${errorMessage(error)}`);
      this.#error(connection, id, "UNAVAILABLE", `${method} failed`);
    }
  }

  #connect(connection: Connection, id: string, method: string, raw: unknown): void {
    if (method !== "connect") {
      this.#error(connection, id, "INVALID_REQUEST", "first request must be connect");
      connection.socket.close(1008, "connect first");
      return;
    }
    const parsed = GatewayConnectParamsSchema.safeParse(raw);
    if (!parsed.success) {
      this.#error(
        connection,
        id,
        "INVALID_REQUEST",
        `invalid connect params: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
      connection.socket.close(1008, "invalid connect");
      return;
    }
    const p = parsed.data;
    if (p.minProtocol > GATEWAY_PROTOCOL_VERSION || p.maxProtocol < GATEWAY_PROTOCOL_VERSION) {
      this.#error(connection, id, "INVALID_REQUEST", `protocol mismatch: server speaks ${GATEWAY_PROTOCOL_VERSION}`);
      connection.socket.close(1002, "protocol mismatch");
      return;
    }
    const secret = p.auth?.token ?? p.auth?.password;
    if (secret !== this.#host.token) {
      this.#error(connection, id, "INVALID_REQUEST", "unauthorized: gateway token or password mismatch");
      connection.socket.close(1008, "unauthorized");
      return;
    }
    connection.connected = true;
    connection.scopes = p.scopes && p.scopes.length > 0 ? p.scopes : ["operator.admin"];
    connection.caps = new Set(p.caps ?? []);
    this.#send(connection, {
      type: "res",
      id,
      ok: true,
      payload: {
        type: "hello-ok",
        protocol: GATEWAY_PROTOCOL_VERSION,
        server: { version: this.#version, connId: randomUUID() },
        features: { methods: this.methods, events: GATEWAY_EVENTS },
        snapshot: { agents: this.#host.agents },
        auth: { role: "operator", scopes: connection.scopes },
        policy: { maxPayload: this.#maxPayload, maxBufferedBytes: this.#maxPayload * 2, tickIntervalMs: 30_000 },
      },
    });
  }

  #broadcast(event: RunEvent): void {
    for (const connection of this.#connections) {
      if (!connection.connected || !grantsScope(connection.scopes, event.needsScope ?? "operator.read")) continue;
      if (event.needsCap && !connection.caps.has(event.needsCap)) continue;
      connection.seq += 1;
      this.#send(connection, { type: "event", event: event.event, payload: event.payload, seq: connection.seq });
    }
  }

  /** Aborts active runs and closes every connection. */
  close(): void {
    this.#runs.close();
    for (const connection of this.#connections) connection.socket.terminate();
    this.#connections.clear();
    this.#wss.close();
  }
}
