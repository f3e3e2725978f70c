import {
  GATEWAY_PROTOCOL_VERSION,
  type GatewayConnectChallenge,
  GatewayConnectChallengeSchema,
  type GatewayConnectParams,
  type GatewayHelloOk,
  GatewayHelloOkSchema,
  GatewayInboundFrameSchema,
  type GatewayResponseFrame,
  gatewayDeviceAuthPayload,
} from "@clawbridge/contracts/gateway";
import type { DeviceIdentity } from "./device-identity.js";
import type { GatewayEvent } from "./types.js";

/** The part of the WebSocket API the client uses; the browser's and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface GatewayProtocolClientOptions {
  url: string;
  token?: string;
  password?: string;
  /** Defaults to the browser's global `WebSocket`; the node entry passes `ws`. */
  WebSocket?: WebSocketConstructor;
  clientId?: GatewayConnectParams["client"]["id"];
  clientMode?: GatewayConnectParams["client"]["mode"];
  clientVersion?: string;
  platform?: string;
  scopes?: string[];
  caps?: string[];
  /**
   * The device identity that signs each `connect` challenge (called once per handshake; cache it).
   * openclaw gives a browser page's socket no scopes without one.
   */
  device?: () => Promise<DeviceIdentity>;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  onEvent?: (event: GatewayEvent) => void;
  onClose?: (info: { code: number; reason: string }) => void;
  /** A frame that is not JSON or not a protocol frame: reported, then ignored. */
  onProtocolError?: (message: string) => void;
}

export interface GatewayRequestOptions {
  /** `null` waits as long as the connection lives (for `agent.wait`). */
  timeoutMs?: number | null;
}

/** A rejected request: the gateway's error code, message and details. */
export class GatewayRequestError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = "GatewayRequestError";
    this.code = code;
    this.details = details;
  }
}

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const OPEN = 1;

/**
 * A minimal Gateway protocol v4 client: challenge → `connect` → `hello-ok`, then requests matched to
 * responses by id and events handed to `onEvent`. It never reconnects on its own: a closed
 * connection rejects every pending request and the caller decides what to do.
 */
export class GatewayProtocolClient {
  readonly #options: GatewayProtocolClientOptions;
  readonly #pending = new Map<string, Pending>();
  #socket: WebSocketLike | undefined;
  #nextId = 0;
  #hello: GatewayHelloOk | undefined;
  #closed = false;

  constructor(options: GatewayProtocolClientOptions) {
    this.#options = options;
  }

  get hello(): GatewayHelloOk | undefined {
    return this.#hello;
  }

  get connected(): boolean {
    return this.#hello !== undefined && this.#socket?.readyState === OPEN;
  }

  /** Opens the socket and completes the handshake; rejects with a clear message when unreachable. */
  connect(): Promise<GatewayHelloOk> {
    const Ctor = this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) return Promise.reject(new Error("no WebSocket implementation: pass options.WebSocket"));
    this.#closed = false;
    return new Promise<GatewayHelloOk>((resolve, reject) => {
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(message));
        socket.close();
      };
      const timer = setTimeout(
        () => fail(`gateway handshake timed out after ${this.#options.connectTimeoutMs ?? 15_000} ms (${this.#options.url})`),
        this.#options.connectTimeoutMs ?? 15_000,
      );
      let socket: WebSocketLike;
      try {
        socket = new Ctor(this.#options.url);
      } catch (error) {
        clearTimeout(timer);
        reject(new Error(`gateway unreachable at ${this.#options.url}: ${(error as Error).message}`));
        return;
      }
      this.#socket = socket;
      socket.onerror = () => fail(`gateway unreachable at ${this.#options.url}`);
      socket.onclose = (event) => {
        fail(`gateway closed the connection during the handshake (${event.code}${event.reason ? ` ${event.reason}` : ""})`);
        this.#onClosed(event);
      };
      socket.onmessage = (message) => {
        const frame = this.#parse(message.data);
        if (!frame) return;
        if (frame.type === "event" && frame.event === "connect.challenge" && !this.#pending.size && !this.#hello) {
          const challenge = GatewayConnectChallengeSchema.safeParse(frame.payload);
          if (!challenge.success) {
            fail("gateway sent a malformed connect.challenge");
            return;
          }
          this.#connectParams(challenge.data)
            .then((params) => this.request("connect", params, { timeoutMs: this.#options.connectTimeoutMs ?? 15_000 }))
            .then(
              (payload) => {
                const hello = GatewayHelloOkSchema.safeParse(payload);
                if (!hello.success) return fail("gateway answered connect without a valid hello-ok");
                this.#hello = hello.data;
                settled = true;
                clearTimeout(timer);
                socket.onerror = null;
                resolve(hello.data);
              },
              (error: Error) => fail(`gateway refused connect: ${error.message}`),
            );
          return;
        }
        this.#dispatch(frame);
      };
    });
  }

  /** The `connect` params; with a device identity, signed over this challenge's nonce and time. */
  async #connectParams(challenge: GatewayConnectChallenge): Promise<GatewayConnectParams> {
    const auth: NonNullable<GatewayConnectParams["auth"]> = {};
    if (this.#options.token) auth.token = this.#options.token;
    if (this.#options.password) auth.password = this.#options.password;
    const params: GatewayConnectParams = {
      minProtocol: GATEWAY_PROTOCOL_VERSION,
      maxProtocol: GATEWAY_PROTOCOL_VERSION,
      client: {
        id: this.#options.clientId ?? "gateway-client",
        version: this.#options.clientVersion ?? "0.1.0",
        platform: this.#options.platform ?? "web",
        mode: this.#options.clientMode ?? "backend",
      },
      role: "operator",
      scopes: this.#options.scopes ?? ["operator.read", "operator.write", "operator.approvals"],
      caps: this.#options.caps ?? ["tool-events"],
      auth,
    };
    if (!this.#options.device) return params;
    const device = await this.#options.device();
    // The gateway wants the challenge's own `ts` as the signing time (never the local clock).
    const signedAt = Math.max(0, Math.trunc(challenge.ts));
    const payload = gatewayDeviceAuthPayload({
      deviceId: device.id,
      clientId: params.client.id,
      clientMode: params.client.mode,
      role: "operator",
      scopes: params.scopes ?? [],
      signedAtMs: signedAt,
      token: auth.token,
      nonce: challenge.nonce,
      platform: params.client.platform,
    });
    params.device = { id: device.id, publicKey: device.publicKey, signature: await device.sign(payload), signedAt, nonce: challenge.nonce };
    return params;
  }

  #parse(data: unknown) {
    const textData = typeof data === "string" ? data : String(data);
    let json: unknown;
    try {
      json = JSON.parse(textData);
    } catch {
      this.#options.onProtocolError?.("gateway sent a frame that is not JSON");
      return undefined;
    }
    const parsed = GatewayInboundFrameSchema.safeParse(json);
    if (!parsed.success) {
      this.#options.onProtocolError?.(`gateway sent an invalid frame: ${parsed.error.issues[0]?.message ?? "unknown shape"}`);
      return undefined;
    }
    return parsed.data;
  }

  #dispatch(frame: GatewayResponseFrame | { type: "event"; event: string; payload?: unknown; seq?: number }): void {
    if (frame.type === "res") {
      const pending = this.#pending.get(frame.id);
      if (!pending) return;
      this.#pending.delete(frame.id);
      clearTimeout(pending.timer);
      if (frame.ok) pending.resolve(frame.payload);
      else
        pending.reject(
          new GatewayRequestError(frame.error?.code ?? "UNAVAILABLE", frame.error?.message ?? "request failed", frame.error?.details),
        );
      return;
    }
    const event: GatewayEvent = { event: frame.event };
    if (frame.payload !== undefined) event.payload = frame.payload;
    if (frame.seq !== undefined) event.seq = frame.seq;
    this.#options.onEvent?.(event);
  }

  #onClosed(info: { code: number; reason: string }): void {
    const wasOpen = this.#hello !== undefined;
    this.#hello = undefined;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new GatewayRequestError("UNAVAILABLE", this.#closed ? "gateway client closed" : "gateway connection closed"));
      this.#pending.delete(id);
    }
    if (wasOpen) this.#options.onClose?.(info);
  }

  /** Sends one request and resolves with its payload, or rejects with a `GatewayRequestError`. */
  request<T = unknown>(method: string, params?: unknown, options: GatewayRequestOptions = {}): Promise<T> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new GatewayRequestError("UNAVAILABLE", "gateway is not connected"));
    }
    this.#nextId += 1;
    const id = `om-${this.#nextId}`;
    const timeoutMs = options.timeoutMs === undefined ? (this.#options.requestTimeoutMs ?? 30_000) : options.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              this.#pending.delete(id);
              reject(new GatewayRequestError("TIMEOUT", `${method} got no response within ${timeoutMs} ms`));
            }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (p: unknown) => void, reject, timer });
      const frame: Record<string, unknown> = { type: "req", id, method };
      if (params !== undefined) frame.params = params;
      socket.send(JSON.stringify(frame));
    });
  }

  /** Closes the connection; pending requests reject with "gateway client closed". */
  close(): void {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.close(1000, "client closed");
    this.#onClosed({ code: 1000, reason: "client closed" });
  }
}
