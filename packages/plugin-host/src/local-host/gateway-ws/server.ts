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
import { heartbeatWebSockets, RequestTargetError, refuseSocket, requestTarget, secretEquals } from "../../server-guard.js";
import { errorMessage } from "../../tool-result.js";
import { admitDevice } from "./device-auth.js";
import type { GatewayHostPort } from "./host-port.js";
import { GatewayMethodError, gatewayMethods } from "./methods.js";
import { type RunEvent, RunRegistry, type RunRegistryOptions } from "./runs.js";
import { GATEWAY_METHOD_SCOPES, grantsScope } from "./scopes.js";

export interface GatewayProtocolOptions extends RunRegistryOptions {
  /** Largest frame after connect (the gateway's `policy.maxPayload`). */
  maxPayloadBytes?: number;
  /** The server version `hello-ok` reports. */
  version?: string;
  /** Time from the upgrade to a successful `connect`; the gateway's default is 15 s. */
  handshakeTimeoutMs?: number;
  /** Sockets not yet past `connect` at once; more are refused with a 503. The gateway allows 32 per client IP. */
  maxPreauthConnections?: number;
  /** How often every socket is pinged; one that missed the previous pong is terminated. */
  heartbeatIntervalMs?: number;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_PREAUTH_CONNECTIONS = 32;

interface Connection {
  socket: WebSocket;
  /** The `connect.challenge` nonce a device identity must sign. */
  nonce: string;
  /** The upgrade carried `Origin`: a browser page, held to the gateway's device rule. */
  browser: boolean;
  connected: boolean;
  scopes: string[];
  caps: Set<string>;
  seq: number;
}

const GATEWAY_EVENTS = ["agent", "chat", "exec.approval.requested", "exec.approval.resolved", "sessions.changed"];

/** The error envelope of the host (`{ok:false,error:{type,message}}`) for a refused upgrade. */
const refusal = (type: string, message: string) => ({ ok: false, error: { type, message } });

/**
 * Raises the frame limit of an admitted socket from the pre-connect 64 KiB to `maxPayload`. `ws` has
 * no public setter, so this writes its receiver's `_maxPayload`, as the OpenClaw gateway does, and only
 * when that field is a writable number: with another `ws` the limit stays 64 KiB (and `hello-ok`
 * says so) rather than ever buffering an unauthenticated frame past it.
 */
function raisePayloadLimit(socket: WebSocket, maxPayload: number): boolean {
  const receiver = (socket as unknown as { _receiver?: Record<string, unknown> })._receiver;
  if (typeof receiver?._maxPayload !== "number" || Object.getOwnPropertyDescriptor(receiver, "_maxPayload")?.writable !== true)
    return false;
  receiver._maxPayload = maxPayload;
  return true;
}

/**
 * The Gateway WebSocket protocol v4 subset of the local host: `connect.challenge` → `connect`
 * (token or password, scopes, caps) → `hello-ok`, then the methods of `gatewayMethods` and the
 * `agent`/`chat` events of the scripted runs. Every inbound frame is validated; a bad one gets an
 * error frame and never takes the host down. Before `connect` a socket is held to the gateway's
 * limits: frames of at most 64 KiB (refused by `ws` from the frame header, before any buffering),
 * a handshake deadline and a cap on such sockets; after it, idle peers are reaped by ping/pong.
 */
export class GatewayProtocolServer {
  readonly #host: GatewayHostPort;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #runs: RunRegistry;
  readonly #methods: ReturnType<typeof gatewayMethods>;
  readonly #maxPayload: number;
  readonly #version: string;
  readonly #handshakeTimeoutMs: number;
  readonly #maxPreauth: number;
  readonly #stopHeartbeat: () => void;
  readonly #now: () => number;
  readonly #startedAt: number;
  #preauth = 0;

  constructor(host: GatewayHostPort, options: GatewayProtocolOptions = {}) {
    this.#host = host;
    this.#maxPayload = options.maxPayloadBytes ?? 25 * 1024 * 1024;
    this.#version = options.version ?? "clawbridge-local";
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.#maxPreauth = options.maxPreauthConnections ?? DEFAULT_MAX_PREAUTH_CONNECTIONS;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: GATEWAY_PRECONNECT_FRAME_LIMIT_BYTES, perMessageDeflate: false });
    // A handshake ws refuses (no key, a wrong version) gets the host's envelope, not ws's text page.
    this.#wss.on("wsClientError", (error: Error, socket: Duplex) => {
      const [status, reason] = error.message === "Invalid HTTP method" ? [405, "Method Not Allowed"] : [400, "Bad Request"];
      refuseSocket(socket, status, reason, refusal("invalid_request", `WebSocket handshake: ${error.message}`));
    });
    this.#stopHeartbeat = heartbeatWebSockets(this.#wss, options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {});
    this.#runs = new RunRegistry(host, (event) => this.#broadcast(event), options);
    this.#methods = gatewayMethods(host, this.#runs);
  }

  get methods(): string[] {
    return [...this.#methods.keys()];
  }

  /** Accepts WebSocket upgrades on the host's HTTP server. */
  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      try {
        this.#upgrade(req, socket, head);
      } catch (error) {
        if (error instanceof RequestTargetError) {
          refuseSocket(socket, 400, "Bad Request", refusal("invalid_request", error.message));
          return;
        }
        this.#host.logger.error(`gateway upgrade failed: ${errorMessage(error)}`);
        refuseSocket(socket, 500, "Internal Server Error", refusal("internal_error", "internal error"));
      }
    });
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    requestTarget(req);
    if (this.#preauth >= this.#maxPreauth) {
      refuseSocket(
        socket,
        503,
        "Service Unavailable",
        refusal("unavailable", `more than ${this.#maxPreauth} sockets are waiting to connect; retry later`),
      );
      return;
    }
    this.#preauth += 1;
    let counted = true;
    const release = () => {
      if (counted) this.#preauth -= 1;
      counted = false;
    };
    socket.once("close", release);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      // `noServer` leaves emitting `connection` to us; the heartbeat starts tracking a socket there.
      this.#wss.emit("connection", ws, req);
      this.#accept(ws, req.headers.origin !== undefined, release);
    });
  }

  #accept(socket: WebSocket, browser: boolean, releasePreauth: () => void): void {
    const connection: Connection = { socket, nonce: randomUUID(), browser, connected: false, scopes: [], caps: new Set(), seq: 0 };
    this.#connections.add(connection);
    // The real gateway closes an operator socket that has not connected in time with a plain 1000.
    const handshake = setTimeout(() => socket.close(1000, "handshake timeout"), this.#handshakeTimeoutMs);
    handshake.unref();
    const admitted = () => {
      clearTimeout(handshake);
      releasePreauth();
    };
    socket.on("close", () => {
      admitted();
      this.#connections.delete(connection);
    });
    socket.on("error", (error) => this.#host.logger.warn(`gateway socket error: ${errorMessage(error)}`));
    socket.on("message", (data, isBinary) => {
      this.#onMessage(connection, data as Buffer, isBinary, admitted).catch((error) => {
        this.#host.logger.error(`gateway frame handling failed: ${errorMessage(error)}`);
      });
    });
    this.#send(connection, { type: "event", event: "connect.challenge", payload: { nonce: connection.nonce, ts: this.#now() } });
  }

  #send(connection: Connection, frame: Record<string, unknown>): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    // A peer that stops reading would make every event pile up here; the gateway drops it instead.
    if (socket.bufferedAmount > this.#maxPayload * 2) {
      socket.close(1008, "slow consumer");
      return;
    }
    socket.send(JSON.stringify(frame));
  }

  #error(connection: Connection, id: string, code: string, message: string, details?: unknown): void {
    this.#send(connection, { type: "res", id, ok: false, error: details === undefined ? { code, message } : { code, message, details } });
  }

  /** Before `connect`, a frame that is not a valid `connect` request ends the handshake. */
  #refuseHandshake(connection: Connection, id: string, message: string): void {
    this.#error(connection, id, "INVALID_REQUEST", message);
    connection.socket.close(1008, "invalid handshake");
  }

  async #onMessage(connection: Connection, data: Buffer, isBinary: boolean, admitted: () => void): Promise<void> {
    let json: unknown;
    try {
      if (isBinary) throw new Error("binary frames are not supported");
      json = JSON.parse(data.toString("utf8"));
    } catch (error) {
      const message = `invalid frame: ${errorMessage(error)}`;
      if (!connection.connected) return this.#refuseHandshake(connection, "", message);
      this.#error(connection, "", "INVALID_REQUEST", message);
      return;
    }
    const frame = GatewayRequestFrameSchema.safeParse(json);
    if (!frame.success) {
      const id = json && typeof json === "object" && typeof (json as { id?: unknown }).id === "string" ? (json as { id: string }).id : "";
      const message = `invalid request frame: ${frame.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; ")}`;
      if (!connection.connected) return this.#refuseHandshake(connection, id, message);
      this.#error(connection, id, "INVALID_REQUEST", message);
      return;
    }
    const { id, method, params } = frame.data;
    if (!connection.connected) {
      if (this.#connect(connection, id, method, params)) admitted();
      return;
    }
    if (method === "connect") return this.#error(connection, id, "INVALID_REQUEST", "already connected");
    // Scope first, as the gateway does: a method it does not list needs `operator.admin`, so a
    // narrower operator learns it lacks the scope, and only an admin learns the method is unknown.
    const handler = this.#methods.get(method);
    const scope = GATEWAY_METHOD_SCOPES.get(method) ?? "operator.admin";
    if (!grantsScope(connection.scopes, scope)) {
      return this.#error(connection, id, "FORBIDDEN", `missing scope: ${scope}`, {
        code: "MISSING_SCOPE",
        missingScope: scope,
        requiredScopes: [scope],
      });
    }
    if (!handler) return this.#error(connection, id, "INVALID_REQUEST", `unknown method: ${method}`);
    try {
      const payload = await handler(params);
      this.#send(connection, { type: "res", id, ok: true, payload });
    } catch (error) {
      if (error instanceof GatewayMethodError) return this.#error(connection, id, error.code, error.message, error.details);
      this.#host.logger.error(`gateway method ${method} failed: ${errorMessage(error)}`);
      this.#error(connection, id, "UNAVAILABLE", `${method} failed`);
    }
  }

  /** Answers a `connect`; true when the socket is now admitted. */
  #connect(connection: Connection, id: string, method: string, raw: unknown): boolean {
    if (method !== "connect") {
      this.#error(connection, id, "INVALID_REQUEST", "first request must be connect");
      connection.socket.close(1008, "connect first");
      return false;
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
      return false;
    }
    const p = parsed.data;
    if (p.minProtocol > GATEWAY_PROTOCOL_VERSION || p.maxProtocol < GATEWAY_PROTOCOL_VERSION) {
      this.#error(connection, id, "INVALID_REQUEST", `protocol mismatch: server speaks ${GATEWAY_PROTOCOL_VERSION}`);
      connection.socket.close(1002, "protocol mismatch");
      return false;
    }
    if (!secretEquals(p.auth?.token ?? p.auth?.password, this.#host.token)) {
      this.#error(connection, id, "INVALID_REQUEST", "unauthorized: gateway token or password mismatch");
      connection.socket.close(1008, "unauthorized");
      return false;
    }
    const device = admitDevice(p, { nonce: connection.nonce, browser: connection.browser });
    if (device.kind === "refused") {
      this.#error(connection, id, device.code, device.message, device.details);
      connection.socket.close(1008, device.message);
      return false;
    }
    const maxPayload = raisePayloadLimit(connection.socket, this.#maxPayload) ? this.#maxPayload : GATEWAY_PRECONNECT_FRAME_LIMIT_BYTES;
    connection.connected = true;
    connection.scopes = device.kind === "no-scopes" ? [] : p.scopes && p.scopes.length > 0 ? p.scopes : ["operator.admin"];
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
        snapshot: this.#snapshot(),
        auth: {
          method: p.auth?.password !== undefined && p.auth.token === undefined ? "password" : "token",
          role: "operator",
          scopes: connection.scopes,
        },
        policy: { maxPayload, maxBufferedBytes: this.#maxPayload * 2, tickIntervalMs: 30_000 },
      },
    });
    return true;
  }

  /** `hello-ok.snapshot` as the gateway sends it: presence (this host), health, state versions, uptime. */
  #snapshot() {
    const now = this.#now();
    return {
      presence: [{ host: "clawbridge-local", version: this.#version, mode: "gateway", reason: "self", text: "LocalHost", ts: now }],
      // The gateway's hello carries an empty health (the first `health` event fills it in).
      health: {},
      stateVersion: { presence: 1, health: 1 },
      uptimeMs: Math.max(0, now - this.#startedAt),
    };
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
    this.#stopHeartbeat();
    this.#runs.close();
    for (const connection of this.#connections) connection.socket.terminate();
    this.#connections.clear();
    this.#wss.close();
  }
}
