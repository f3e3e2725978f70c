import { KichiAckFailureFrameSchema, type KichiClientFrame, type KichiServerFrame, KichiServerFrameSchema } from "@clawbridge/contracts";
import { type Clock, systemClock } from "@clawbridge/plugin-host";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import WebSocket from "ws";
import { type BackoffClock, type BackoffPolicy, ReconnectBackoff } from "./backoff.js";

export type WebSocketState = "idle" | "connecting" | "open" | "closing" | "closed";

/** The shared clock and the reconnect jitter's randomness, injected so reconnects are tested without waiting. */
export interface ConnectionClock extends Clock, BackoffClock {}

export const systemConnectionClock: ConnectionClock = { ...systemClock, random: () => Math.random() };

export type SocketFactory = (url: string) => WebSocket;

export const defaultSocketFactory: SocketFactory = (url) => new WebSocket(url, { handshakeTimeout: 5_000 });

export interface KichiConnectionOptions {
  url: string;
  backoff: BackoffPolicy;
  clock?: ConnectionClock;
  createSocket?: SocketFactory;
  logger: Pick<PluginLogger, "info" | "warn">;
  /** Called on every open, before anything else is sent (the rejoin goes here). */
  onOpen: () => void;
  onFrame: (frame: KichiServerFrame) => void;
}

/** A request the server refused in the ack it awaited (`{success:false, errorCode, errorMessage}`). */
export class KichiRefusedError extends Error {
  readonly errorCode: string;
  readonly errorMessage: string;
  constructor(errorCode: string, errorMessage: string) {
    super(errorMessage);
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
}

/** A client frame that carries a request id, so its reply can be matched. */
export type KichiRequestFrame = KichiClientFrame & { requestId: string };

interface PendingRequest {
  expectedType: string;
  resolve: (frame: KichiServerFrame) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

/**
 * One WebSocket to a Kichi host that keeps itself up: it reconnects with capped, jittered exponential
 * backoff, correlates replies to requests by `requestId` (with a timeout), and fails every pending
 * request at once when the socket closes, so no caller waits for a reply that cannot come.
 */
export class KichiConnection {
  readonly url: string;
  readonly #options: KichiConnectionOptions;
  readonly #clock: ConnectionClock;
  readonly #backoff: ReconnectBackoff;
  readonly #pending = new Map<string, PendingRequest>();
  readonly #openWaiters = new Set<() => void>();
  #socket: WebSocket | undefined;
  #reconnectTimer: unknown;
  #stopped = false;
  #sequence = 0;

  constructor(options: KichiConnectionOptions) {
    this.url = options.url;
    this.#options = options;
    this.#clock = options.clock ?? systemConnectionClock;
    this.#backoff = new ReconnectBackoff(options.backoff, this.#clock);
  }

  get state(): WebSocketState {
    const socket = this.#socket;
    if (!socket) return "idle";
    switch (socket.readyState) {
      case WebSocket.CONNECTING:
        return "connecting";
      case WebSocket.OPEN:
        return "open";
      case WebSocket.CLOSING:
        return "closing";
      default:
        return "closed";
    }
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  get reconnectScheduled(): boolean {
    return this.#reconnectTimer !== undefined;
  }

  nextRequestId(prefix: string): string {
    this.#sequence += 1;
    return `${prefix}-${this.#clock.now().toString(36)}-${this.#sequence}`;
  }

  /** Opens the socket unless it is already open or opening. */
  connect(): void {
    if (this.#stopped || this.state === "open" || this.state === "connecting") return;
    this.#clearReconnect();
    let socket: WebSocket;
    try {
      socket = (this.#options.createSocket ?? defaultSocketFactory)(this.url);
    } catch (error) {
      this.#options.logger.warn(`cannot open ${this.url}: ${(error as Error).message}`);
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.on("open", () => {
      if (this.#socket !== socket) return;
      this.#backoff.opened();
      this.#options.onOpen();
      for (const wake of [...this.#openWaiters]) wake();
    });
    socket.on("message", (data, isBinary) => {
      if (this.#socket !== socket || isBinary) return;
      this.#receive(String(data));
    });
    socket.on("error", (error) => {
      if (this.#socket === socket) this.#options.logger.warn(`websocket ${this.url}: ${error.message}`);
    });
    socket.on("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#rejectAll("Kichi websocket closed before the reply arrived; it reconnects on its own, retry shortly");
      for (const wake of [...this.#openWaiters]) wake();
      this.#scheduleReconnect();
    });
  }

  /** Closes for good (until `connect` after a new instance): pending requests fail with `reason`. */
  stop(reason = "Kichi connection stopped"): void {
    this.#stopped = true;
    this.#clearReconnect();
    this.#rejectAll(reason);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.removeAllListeners("message");
      socket.on("error", () => {});
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close();
    }
    for (const wake of [...this.#openWaiters]) wake();
  }

  /** Resolves once the socket is open, or false after `timeoutMs` / on close. */
  waitOpen(timeoutMs: number): Promise<boolean> {
    if (this.isOpen) return Promise.resolve(true);
    if (this.#stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        this.#openWaiters.delete(wake);
        this.#clock.clearTimeout(timer);
        resolve(this.isOpen);
      };
      const wake = () => {
        if (this.isOpen || this.#stopped) finish();
      };
      const timer = this.#clock.setTimeout(finish, timeoutMs);
      this.#openWaiters.add(wake);
    });
  }

  /** Sends a frame if the socket is open; false otherwise (nothing is queued). */
  send(frame: KichiClientFrame): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Sends a frame carrying `requestId` and resolves with the reply of `expectedType` that carries the
   * same id. An `error` frame for it, a timeout, or the socket closing rejects.
   */
  request(frame: KichiRequestFrame, expectedType: KichiServerFrame["type"], timeoutMs: number): Promise<KichiServerFrame> {
    return new Promise((resolve, reject) => {
      if (!this.send(frame)) {
        reject(new Error(`Kichi websocket is not open (${this.state}); cannot send ${frame.type}`));
        return;
      }
      const timer = this.#clock.setTimeout(() => {
        if (this.#pending.delete(frame.requestId)) reject(new Error(`Timed out waiting for ${expectedType} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(frame.requestId, { expectedType, resolve, reject, timer });
    });
  }

  #receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#options.logger.warn(`ignored a frame that is not JSON from ${this.url}`);
      return;
    }
    const parsed = KichiServerFrameSchema.safeParse(json);
    if (!parsed.success) {
      const type = (json as { type?: unknown } | null)?.type;
      this.#options.logger.warn(`ignored an unknown or malformed frame (type ${JSON.stringify(type)}) from ${this.url}`);
      return;
    }
    const frame = parsed.data;
    const requestId = "requestId" in frame ? frame.requestId : undefined;
    const pending = typeof requestId === "string" ? this.#pending.get(requestId) : this.#oldestPendingOfType(frame.type);
    if (pending) {
      const id = typeof requestId === "string" ? requestId : this.#idOf(pending);
      if (id !== undefined) this.#pending.delete(id);
      this.#clock.clearTimeout(pending.timer);
      const refused = KichiAckFailureFrameSchema.safeParse(frame);
      if (frame.type === pending.expectedType && refused.success) {
        pending.reject(new KichiRefusedError(refused.data.errorCode, refused.data.errorMessage));
      } else if (frame.type === pending.expectedType) pending.resolve(frame);
      else if (frame.type === "error") pending.reject(new Error(`${frame.code}: ${frame.message}`));
      else pending.reject(new Error(`expected ${pending.expectedType} but the server answered ${frame.type}`));
      return;
    }
    this.#options.onFrame(frame);
  }

  /** Hosted servers may answer join/leave without echoing the id: match the oldest request waiting for that type. */
  #oldestPendingOfType(type: string): PendingRequest | undefined {
    for (const pending of this.#pending.values()) if (pending.expectedType === type) return pending;
    return undefined;
  }

  #idOf(target: PendingRequest): string | undefined {
    for (const [id, pending] of this.#pending) if (pending === target) return id;
    return undefined;
  }

  #rejectAll(reason: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) {
      this.#clock.clearTimeout(request.timer);
      request.reject(new Error(reason));
    }
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#reconnectTimer !== undefined) return;
    const delay = this.#backoff.nextDelay();
    this.#options.logger.info(`reconnecting to ${this.url} in ${delay} ms (attempt ${this.#backoff.attempt})`);
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  #clearReconnect(): void {
    if (this.#reconnectTimer !== undefined) this.#clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }
}
