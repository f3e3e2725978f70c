import type {
  KichiBotHistoryEntry,
  KichiBotMessageReceivedFrame,
  KichiClock,
  KichiEnvironment,
  KichiIdentityFile,
  KichiIdlePlan,
  KichiPlayback,
  KichiPoseType,
  KichiQueryStatusResultFrame,
  KichiRoomContext,
  KichiServerFrame,
  KichiStateFile,
} from "@clawbridge/contracts";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import type { NormalizedBotMessage } from "../validate/bot-message.js";
import type { Validation } from "../validate/result.js";
import type { BackoffPolicy } from "./backoff.js";
import { type ConnectionClock, KichiConnection, type SocketFactory, type WebSocketState } from "./connection.js";
import { KichiError } from "./errors.js";
import { type KichiHost, resolveEnvironmentHost } from "./host.js";
import type { KichiAgentStore } from "./store.js";

export interface KichiRuntimeSettings {
  /** Environment and test host for an agent that saved none. */
  defaultEnvironment?: KichiEnvironment;
  defaultTestHost?: string;
  joinSource: string;
  requestTimeoutMs: number;
  backoff: BackoffPolicy;
  clock?: ConnectionClock;
  createSocket?: SocketFactory;
}

export interface JoinRequest {
  avatarId?: string | undefined;
  botName: string;
  bio: string;
  tags: string[];
  source?: string | undefined;
}

export interface StatusRequest {
  poseType: KichiPoseType | "";
  action: string;
  bubble: string;
  log: string;
  playback: KichiPlayback;
  propId?: string | undefined;
}

export type RejoinMode = "sent" | "waiting_open" | "reconnecting" | "unavailable";

export type BotMessageListener = (runtime: KichiAgentRuntime, message: KichiBotMessageReceivedFrame) => void;

/**
 * Everything one agent has in Kichi World: its saved environment, its identity on the current host,
 * the WebSocket to that host, and the last room context it saw. Created on demand per agent.
 */
export class KichiAgentRuntime {
  readonly agentId: string;
  readonly store: KichiAgentStore;
  readonly ready: Promise<void>;
  readonly #settings: KichiRuntimeSettings;
  readonly #logger: PluginLogger;
  readonly #onBotMessage: BotMessageListener;
  #state: KichiStateFile = { llmRuntimeEnabled: true };
  #host: KichiHost | undefined;
  #identity: KichiIdentityFile | undefined;
  #connection: KichiConnection | undefined;
  #roomContext: KichiRoomContext | undefined;
  #serverAcks = false;
  #rejoinedAt: number | undefined;
  #lastAuthError: string | undefined;
  #stopped = false;

  constructor(options: {
    agentId: string;
    store: KichiAgentStore;
    settings: KichiRuntimeSettings;
    logger: PluginLogger;
    onBotMessage: BotMessageListener;
  }) {
    this.agentId = options.agentId;
    this.store = options.store;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#onBotMessage = options.onBotMessage;
    this.ready = this.#start().catch((error) => {
      this.#logger.error(`[kichi:${this.agentId}] start failed: ${(error as Error).message}`);
    });
  }

  get llmRuntimeEnabled(): boolean {
    return this.#state.llmRuntimeEnabled;
  }

  get roomContext(): KichiRoomContext | undefined {
    return this.#roomContext;
  }

  get avatarId(): string | undefined {
    return this.#identity?.avatarId;
  }

  /** Open socket and an auth key: what every room call needs. */
  get isConnected(): boolean {
    return this.#connection?.isOpen === true && !!this.#identity?.authKey;
  }

  /** When the server last confirmed a rejoin (ms on the runtime clock), for status and benchmarks. */
  get rejoinedAt(): number | undefined {
    return this.#rejoinedAt;
  }

  async #start(): Promise<void> {
    const saved = await this.store.readState();
    if (saved) this.#state = saved;
    const environment = this.#state.currentEnvironment ?? this.#settings.defaultEnvironment;
    if (!environment) {
      this.#logger.info(`[kichi:${this.agentId}] no environment yet; waiting for kichi_switch_host`);
      return;
    }
    const testHost = this.#state.currentEnvironment ? this.#state.testHost : this.#settings.defaultTestHost;
    const host = resolveEnvironmentHost(environment, testHost ?? this.#settings.defaultTestHost);
    if (!host.ok) {
      this.#logger.warn(`[kichi:${this.agentId}] ${host.error}; waiting for kichi_switch_host`);
      return;
    }
    await this.#useHost(host.value);
  }

  async #useHost(host: KichiHost): Promise<void> {
    this.#connection?.stop(`Kichi websocket switched to ${host.host}`);
    this.#connection = undefined;
    this.#host = host;
    this.#identity = await this.store.readIdentity(host.host);
    this.#roomContext = undefined;
    this.#serverAcks = false;
    this.#rejoinedAt = undefined;
    if (this.#stopped) return;
    const connection = new KichiConnection({
      url: host.wsUrl,
      backoff: this.#settings.backoff,
      ...(this.#settings.clock ? { clock: this.#settings.clock } : {}),
      ...(this.#settings.createSocket ? { createSocket: this.#settings.createSocket } : {}),
      logger: {
        info: (m) => this.#logger.info(`[kichi:${this.agentId}] ${m}`),
        warn: (m) => this.#logger.warn(`[kichi:${this.agentId}] ${m}`),
      },
      onOpen: () => this.#sendRejoin(),
      onFrame: (frame) => this.#onFrame(frame),
    });
    this.#connection = connection;
    connection.connect();
  }

  #sendRejoin(): boolean {
    const identity = this.#identity;
    if (!identity?.authKey || !this.#connection) return false;
    this.#rejoinedAt = undefined;
    return this.#connection.send({ type: "rejoin", avatarId: identity.avatarId, authKey: identity.authKey });
  }

  #onFrame(frame: KichiServerFrame): void {
    switch (frame.type) {
      case "rejoin_ack":
        this.#serverAcks = frame.acks === true;
        this.#rejoinedAt = (this.#settings.clock ?? { now: Date.now }).now();
        this.#lastAuthError = undefined;
        return;
      case "auth_error":
      case "rejoin_failed":
        this.#lastAuthError = frame.reason ?? frame.type;
        this.#logger.warn(`[kichi:${this.agentId}] ${frame.type}: ${frame.reason ?? "no reason"}; the auth key is cleared, join again`);
        void this.#clearAuthKey();
        return;
      case "bot_message_received":
        this.#onBotMessage(this, frame);
        return;
      case "error":
        this.#logger.warn(`[kichi:${this.agentId}] server error ${frame.code}: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  async #clearAuthKey(): Promise<void> {
    const host = this.#host;
    if (!host || !this.#identity) return;
    this.#identity = { avatarId: this.#identity.avatarId };
    await this.store.writeIdentity(host.host, this.#identity).catch((error) => {
      this.#logger.error(`[kichi:${this.agentId}] could not save identity: ${(error as Error).message}`);
    });
  }

  #requireConnected(): { connection: KichiConnection; auth: { avatarId: string; authKey: string } } {
    if (!this.#host) throw new KichiError("Not connected to Kichi world: no host chosen yet; call kichi_switch_host first");
    const identity = this.#identity;
    if (!identity?.authKey) throw new KichiError("Not connected to Kichi world: this agent has not joined; call kichi_join first");
    const connection = this.#connection;
    if (!connection?.isOpen) {
      throw new KichiError(
        `Not connected to Kichi world: the websocket to ${this.#host.host} is ${connection?.state ?? "idle"}; it reconnects on its own, retry shortly`,
      );
    }
    return { connection, auth: { avatarId: identity.avatarId, authKey: identity.authKey } };
  }

  /** Switches environment (and host) and reconnects at once; the saved state survives restarts. */
  async switchHost(environment: KichiEnvironment, explicitHost?: string): Promise<Validation<KichiHost>> {
    await this.ready;
    const host = resolveEnvironmentHost(environment, explicitHost);
    if (!host.ok) return host;
    this.#state = {
      ...this.#state,
      currentEnvironment: environment,
      ...(environment === "test" ? { testHost: host.value.host } : {}),
    };
    await this.store.writeState(this.#state);
    await this.#useHost(host.value);
    return host;
  }

  async join(request: JoinRequest): Promise<{ avatarId: string; host: string }> {
    await this.ready;
    const host = this.#host;
    const connection = this.#connection;
    if (!host || !connection) throw new KichiError("No Kichi host chosen yet; call kichi_switch_host first");
    const avatarId = request.avatarId?.trim() || this.#identity?.avatarId;
    if (!avatarId) throw new KichiError("No avatarId: pass avatarId (no identity is saved for this host)");
    if (!(await connection.waitOpen(this.#settings.requestTimeoutMs))) {
      throw new KichiError(
        `Cannot reach Kichi world at ${host.host} (websocket ${connection.state}); it keeps retrying, try again shortly`,
      );
    }
    this.#identity = { avatarId };
    await this.store.writeIdentity(host.host, this.#identity);
    const ack = await connection.request(
      {
        type: "join",
        requestId: connection.nextRequestId("join"),
        avatarId,
        botName: request.botName,
        bio: request.bio,
        tags: request.tags,
        source: request.source ?? this.#settings.joinSource,
      },
      "join_ack",
      this.#settings.requestTimeoutMs,
    );
    if (ack.type !== "join_ack") throw new KichiError(`unexpected ${ack.type}`);
    if (ack.success === false || !ack.authKey) {
      throw new KichiError(ack.errorMessage ?? "join was rejected", {
        ...(ack.errorCode ? { errorCode: ack.errorCode } : {}),
        ...(ack.errorMessage ? { errorMessage: ack.errorMessage } : {}),
      });
    }
    this.#identity = { avatarId, authKey: ack.authKey };
    this.#serverAcks = ack.acks === true;
    this.#lastAuthError = undefined;
    await this.store.writeIdentity(host.host, this.#identity);
    return { avatarId, host: host.host };
  }

  async leave(): Promise<void> {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const ack = await connection.request(
      { type: "leave", requestId: connection.nextRequestId("leave"), ...auth },
      "leave_ack",
      this.#settings.requestTimeoutMs,
    );
    if (ack.type === "leave_ack" && ack.success === false) {
      throw new KichiError(ack.errorMessage ?? "leave was rejected", ack.errorCode ? { errorCode: ack.errorCode } : {});
    }
    await this.#clearAuthKey();
  }

  async requestRejoin(): Promise<{ accepted: boolean; mode: RejoinMode; message: string }> {
    await this.ready;
    const connection = this.#connection;
    if (!connection || !this.#host)
      return { accepted: false, mode: "unavailable", message: "No Kichi host chosen yet; call kichi_switch_host first" };
    if (!this.#identity?.authKey)
      return { accepted: false, mode: "unavailable", message: "No auth key saved for this host; call kichi_join" };
    if (connection.isOpen) {
      this.#sendRejoin();
      return { accepted: true, mode: "sent", message: "Rejoin sent" };
    }
    if (connection.state === "connecting")
      return { accepted: true, mode: "waiting_open", message: "The websocket is opening; rejoin is sent when it opens" };
    connection.connect();
    return { accepted: true, mode: "reconnecting", message: "Reconnecting; rejoin is sent when the websocket opens" };
  }

  connectionStatus() {
    const connection = this.#connection;
    const websocketState: WebSocketState = connection?.state ?? "idle";
    return {
      agentId: this.agentId,
      runtimeDir: this.store.dir,
      statePath: this.store.statePath,
      ...(this.#host ? { host: this.#host.host, wsUrl: this.#host.wsUrl, identityPath: this.store.identityPath(this.#host.host) } : {}),
      ...(this.#state.currentEnvironment ? { environment: this.#state.currentEnvironment } : {}),
      hostConfigured: this.#host !== undefined,
      connected: this.isConnected,
      websocketState,
      hasIdentity: this.#identity !== undefined,
      avatarId: this.#identity?.avatarId ?? null,
      hasAuthKey: !!this.#identity?.authKey,
      rejoined: this.#rejoinedAt !== undefined,
      ...(this.#lastAuthError ? { lastAuthError: this.#lastAuthError } : {}),
      pendingRequestCount: connection?.pendingCount ?? 0,
      reconnectScheduled: connection?.reconnectScheduled ?? false,
      llmRuntimeEnabled: this.#state.llmRuntimeEnabled,
    };
  }

  /** Sends a status. With `verify`, waits for `status_ack` and returns it. */
  async sendStatus(status: StatusRequest, verify: boolean) {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const frame = {
      type: "status" as const,
      ...auth,
      poseType: status.poseType,
      action: status.action,
      bubble: status.bubble,
      log: status.log,
      playback: status.playback,
      ...(status.propId ? { propId: status.propId } : {}),
    };
    if (!verify) {
      if (!connection.send(frame)) throw new KichiError("Failed to send status: the websocket closed");
      return undefined;
    }
    const ack = await connection.request(
      { ...frame, requestId: connection.nextRequestId("status") },
      "status_ack",
      this.#settings.requestTimeoutMs,
    );
    return ack.type === "status_ack" ? ack : undefined;
  }

  /** A best-effort status from a hook: skipped silently when not connected. */
  sendHookStatus(status: StatusRequest): boolean {
    if (!this.isConnected || !this.#identity?.authKey || !this.#connection) return false;
    const { avatarId, authKey } = this.#identity;
    return this.#connection.send({ type: "status", avatarId, authKey, ...status });
  }

  /** A best-effort `message_received` / `before_send_message` notification from a hook. */
  notify(type: "message_received" | "before_send_message", bubble: string): boolean {
    if (!this.isConnected || !this.#identity?.authKey || !this.#connection) return false;
    const { avatarId, authKey } = this.#identity;
    return this.#connection.send({ type, avatarId, authKey, bubble });
  }

  /**
   * Sends a frame the hosted servers do not acknowledge. When the server said it acks (the local
   * Kichi World does), waits for the ack so a rejection reaches the agent.
   */
  async #sendMaybeAcked(
    frame: Record<string, unknown> & { type: string },
    requestId: string | undefined,
  ): Promise<{ acknowledged: boolean }> {
    const { connection, auth } = this.#requireConnected();
    const id = requestId ?? connection.nextRequestId(frame.type);
    const full = { ...frame, ...auth, requestId: id };
    if (!this.#serverAcks) {
      if (!connection.send(full)) throw new KichiError(`Failed to send ${frame.type}: the websocket closed`);
      return { acknowledged: false };
    }
    await connection.request(full, `${frame.type}_ack`, this.#settings.requestTimeoutMs);
    return { acknowledged: true };
  }

  async sendIdlePlan(plan: KichiIdlePlan, requestId?: string) {
    await this.ready;
    return this.#sendMaybeAcked({ type: "kichi_idle_plan", ...plan }, requestId);
  }

  async sendClock(command: { action: "set"; clock: KichiClock } | { action: "stop" }, requestId?: string) {
    await this.ready;
    return this.#sendMaybeAcked({ type: "clock", ...command }, requestId);
  }

  async createNote(propId: string, data: string) {
    await this.ready;
    return this.#sendMaybeAcked({ type: "create_notes_board_note", propId, data }, undefined);
  }

  async createMusicAlbum(albumTitle: string, musicTitles: string[], requestId?: string) {
    await this.ready;
    return this.#sendMaybeAcked({ type: "create_music_album", albumTitle, musicTitles }, requestId);
  }

  /** Queries the room; caches `RoomContext` so `kichi_action` can list poseable props. */
  async queryStatus(requestId?: string): Promise<KichiQueryStatusResultFrame> {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const result = await connection.request(
      { type: "query_status", requestId: requestId ?? connection.nextRequestId("query"), ...auth },
      "query_status_result",
      this.#settings.requestTimeoutMs,
    );
    if (result.type !== "query_status_result") throw new KichiError(`unexpected ${result.type}`);
    if (result.RoomContext) this.#roomContext = result.RoomContext;
    return result;
  }

  async sendBotMessage(message: NormalizedBotMessage & { history?: KichiBotHistoryEntry[] }) {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const ack = await connection.request(
      { type: "bot_message", requestId: connection.nextRequestId("bot"), ...auth, ...message },
      "bot_message_ack",
      this.#settings.requestTimeoutMs,
    );
    if (ack.type !== "bot_message_ack") throw new KichiError(`unexpected ${ack.type}`);
    const { type: _type, ...rest } = ack;
    return rest;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.ready;
    this.#connection?.stop("Kichi runtime stopped");
    this.#connection = undefined;
  }
}
