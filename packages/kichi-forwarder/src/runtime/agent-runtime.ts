import { randomUUID } from "node:crypto";
import {
  type KichiAckType,
  type KichiAvatarStatus,
  type KichiBotHistoryEntry,
  KichiBotMessageAckFrameSchema,
  type KichiBotMessageReceivedFrame,
  type KichiBotMessageRecord,
  type KichiClock,
  type KichiEnvironment,
  type KichiIdentityFile,
  type KichiIdlePlan,
  type KichiMateDailySchedule,
  type KichiPlayback,
  type KichiPoseType,
  type KichiQueryStatusResultFrame,
  type KichiRoomContext,
  type KichiServerFrame,
  type KichiStateFile,
} from "@clawbridge/contracts";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import type { NormalizedBotMessage } from "../validate/bot-message.js";
import type { Validation } from "../validate/result.js";
import type { BackoffPolicy } from "./backoff.js";
import {
  type ConnectionClock,
  KichiConnection,
  KichiRefusedError,
  type KichiRequestFrame,
  type SocketFactory,
  type WebSocketState,
} from "./connection.js";
import { KichiError } from "./errors.js";
import { type KichiHost, resolveEnvironmentHost } from "./host.js";
import type { KichiAgentStore } from "./store.js";

export interface KichiRuntimeSettings {
  /** Environment and test host for an agent that saved none. */
  defaultEnvironment?: KichiEnvironment;
  defaultTestHost?: string;
  joinSource: string;
  /** Where each agent's mate schedule is read; default `<agent dir>/daily-schedule.json`. */
  dailySchedulePath?: string | undefined;
  requestTimeoutMs: number;
  backoff: BackoffPolicy;
  clock?: ConnectionClock;
  createSocket?: SocketFactory;
}

export interface JoinRequest {
  environment: KichiEnvironment;
  host?: string | undefined;
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
  avatarStatus: KichiAvatarStatus;
  propId?: string | undefined;
}

/** What `join` did on the way: the leave of the previous avatar or host, and the switch of host. */
export interface JoinOutcome {
  avatarId: string;
  environment: KichiEnvironment;
  host: string;
  switched: boolean;
  left?: { success: true } | { success: false; error: string };
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
        // Recorded before the reply runs, so the history the agent may read holds what it answers.
        void this.#recordBotMessage({
          direction: "received",
          from: frame.from,
          fromName: frame.fromName,
          ...(this.#identity ? { to: this.#identity.avatarId } : {}),
          depth: frame.depth,
          bubble: frame.bubble,
        })
          .catch((error: Error) => this.#logger.error(`[kichi:${this.agentId}] could not record a bot message: ${error.message}`))
          .then(() => this.#onBotMessage(this, frame));
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

  /**
   * Joins in `request.environment`. A joined avatar on another host, or another avatar on the same
   * host, leaves first (a failed leave is reported, not fatal: the new key replaces the old one); a
   * different host is switched to; then the join goes out. The auth key is saved, never returned.
   */
  async join(request: JoinRequest): Promise<JoinOutcome> {
    await this.ready;
    // For test without a host: the one this agent saved, else the configured one.
    const savedTestHost = this.#state.testHost ?? this.#settings.defaultTestHost;
    const target = resolveEnvironmentHost(
      request.environment,
      request.host ?? (request.environment === "test" ? savedTestHost : undefined),
    );
    if (!target.ok) throw new KichiError(target.error);
    const sameHost = this.#host?.host === target.value.host;
    const wanted = request.avatarId?.trim();
    let left: JoinOutcome["left"];
    if (this.isConnected && (!sameHost || (wanted !== undefined && wanted !== this.#identity?.avatarId))) {
      left = await this.leave().then(
        () => ({ success: true as const }),
        (error: Error) => ({ success: false as const, error: error.message }),
      );
    }
    if (!sameHost || this.#state.currentEnvironment !== request.environment) {
      await this.switchHost(request.environment, target.value.host);
    }
    const host = this.#host;
    const connection = this.#connection;
    if (!host || !connection) throw new KichiError(`Cannot connect to Kichi world at ${target.value.host}`);
    const avatarId = wanted || this.#identity?.avatarId;
    if (!avatarId) throw new KichiError("No avatarId: pass avatarId (no identity is saved for this host)");
    if (!(await connection.waitOpen(this.#settings.requestTimeoutMs))) {
      throw new KichiError(
        `Cannot reach Kichi world at ${host.host} (websocket ${connection.state}); it keeps retrying, try again shortly`,
      );
    }
    this.#identity = { avatarId };
    await this.store.writeIdentity(host.host, this.#identity);
    const ack = await this.#request(
      connection,
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
    );
    const authKey = ack.type === "join_ack" && typeof ack.authKey === "string" ? ack.authKey : undefined;
    if (!authKey) throw new KichiError(`join_ack carried no auth key (${ack.type})`);
    const identity = { avatarId, authKey };
    this.#identity = identity;
    this.#serverAcks = ack.acks === true;
    this.#lastAuthError = undefined;
    await this.store.writeIdentity(host.host, identity);
    await this.#markActive();
    return { avatarId, environment: request.environment, host: host.host, switched: !sameHost, ...(left ? { left } : {}) };
  }

  /** The runtime clock's time (injected in tests). */
  now(): Date {
    return new Date((this.#settings.clock ?? { now: Date.now }).now());
  }

  /** `sms-state.json` keeps when the current user was last around; a failed write is logged, never fatal. */
  async #markActive(): Promise<void> {
    await this.store.updateSmsState({ lastActiveAt: this.now().toISOString() }, this.now()).catch((error: Error) => {
      this.#logger.error(`[kichi:${this.agentId}] could not save sms-state.json: ${error.message}`);
    });
  }

  /** An inbound message reached the agent (before_dispatch): `lastMessageReceivedAt`. */
  async recordMessageReceived(): Promise<void> {
    await this.store.updateSmsState({ lastMessageReceivedAt: this.now().toISOString() }, this.now()).catch((error: Error) => {
      this.#logger.error(`[kichi:${this.agentId}] could not save sms-state.json: ${error.message}`);
    });
  }

  /**
   * Sends a request and awaits its reply. A refusal in the ack becomes a KichiError with its code; an
   * `auth_error` refusal also clears the saved key, as the `auth_error` frame does.
   */
  async #request(connection: KichiConnection, frame: KichiRequestFrame, expectedType: KichiServerFrame["type"]) {
    try {
      return await connection.request(frame, expectedType, this.#settings.requestTimeoutMs);
    } catch (error) {
      if (!(error instanceof KichiRefusedError)) throw error;
      if (error.errorCode === "auth_error") {
        this.#lastAuthError = error.errorMessage;
        await this.#clearAuthKey();
      }
      throw new KichiError(error.errorMessage, { errorCode: error.errorCode, errorMessage: error.errorMessage });
    }
  }

  async leave(): Promise<void> {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    await this.#request(connection, { type: "leave", requestId: connection.nextRequestId("leave"), ...auth }, "leave_ack");
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
      avatarStatus: status.avatarStatus,
      ...(status.propId ? { propId: status.propId } : {}),
    };
    if (!verify) {
      if (!connection.send(frame)) throw new KichiError("Failed to send status: the websocket closed");
      return undefined;
    }
    const ack = await this.#request(connection, { ...frame, requestId: connection.nextRequestId("status") }, "status_ack");
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
   * Kichi World does), waits for the ack so a refusal reaches the agent.
   */
  async #sendMaybeAcked(
    build: (auth: { avatarId: string; authKey: string }, requestId: string) => KichiRequestFrame,
    prefix: string,
    ackType: KichiAckType,
    requestId: string | undefined,
  ): Promise<{ acknowledged: boolean }> {
    const { connection, auth } = this.#requireConnected();
    const frame = build(auth, requestId ?? connection.nextRequestId(prefix));
    if (!this.#serverAcks) {
      if (!connection.send(frame)) throw new KichiError(`Failed to send ${frame.type}: the websocket closed`);
      return { acknowledged: false };
    }
    await this.#request(connection, frame, ackType);
    return { acknowledged: true };
  }

  async sendIdlePlan(plan: KichiIdlePlan, requestId?: string) {
    await this.ready;
    return this.#sendMaybeAcked(
      (auth, id) => ({ type: "kichi_idle_plan", ...plan, ...auth, requestId: id }),
      "plan",
      "kichi_idle_plan_ack",
      requestId,
    );
  }

  async sendClock(command: { action: "set"; clock: KichiClock } | { action: "stop" }, requestId?: string) {
    await this.ready;
    return this.#sendMaybeAcked((auth, id) => ({ type: "clock", ...command, ...auth, requestId: id }), "clock", "clock_ack", requestId);
  }

  async createNote(propId: string, data: string) {
    await this.ready;
    return this.#sendMaybeAcked(
      (auth, id) => ({ type: "create_notes_board_note", propId, data, ...auth, requestId: id }),
      "note",
      "create_notes_board_note_ack",
      undefined,
    );
  }

  async createMusicAlbum(albumTitle: string, musicTitles: string[], requestId?: string) {
    await this.ready;
    return this.#sendMaybeAcked(
      (auth, id) => ({ type: "create_music_album", albumTitle, musicTitles, ...auth, requestId: id }),
      "album",
      "create_music_album_ack",
      requestId,
    );
  }

  async syncMateSchedule(schedule: KichiMateDailySchedule) {
    await this.ready;
    return this.#sendMaybeAcked(
      (auth, id) => ({ type: "kichi_sync_mate_daily_schedule", schedule, ...auth, requestId: id }),
      "schedule",
      "kichi_sync_mate_daily_schedule_ack",
      undefined,
    );
  }

  /** The avatar looks at the camera; resolves with the server's `kichi_glance_ack`. */
  async glance(duration: number, requestId?: string) {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const ack = await this.#request(
      connection,
      { type: "kichi_glance", requestId: requestId ?? connection.nextRequestId("glance"), ...auth, target: "camera", duration },
      "kichi_glance_ack",
    );
    if (ack.type !== "kichi_glance_ack") throw new KichiError(`unexpected ${ack.type}`);
    return { requestId: ack.requestId, target: ack.target };
  }

  /** The newest recorded bot messages (oldest first), optionally only those from or to `avatarId`. */
  async botMessageHistory(limit: number, avatarId?: string): Promise<KichiBotMessageRecord[]> {
    const entries = await this.store.readBotMessageHistory();
    const matching = avatarId ? entries.filter((e) => e.from === avatarId || e.to === avatarId) : entries;
    return matching.slice(-limit);
  }

  async #recordBotMessage(record: Omit<KichiBotMessageRecord, "id" | "at">): Promise<void> {
    const entry: KichiBotMessageRecord = { id: randomUUID(), at: this.now().toISOString(), ...record };
    await this.store.appendBotMessage(entry);
  }

  /** Queries the room; caches `RoomContext` so `kichi_action` can list poseable props. */
  async queryStatus(requestId?: string): Promise<KichiQueryStatusResultFrame> {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const result = await this.#request(
      connection,
      { type: "query_status", requestId: requestId ?? connection.nextRequestId("query"), ...auth },
      "query_status_result",
    );
    if (result.type !== "query_status_result") throw new KichiError(`unexpected ${result.type}`);
    if (result.RoomContext) this.#roomContext = result.RoomContext;
    // Only a query that finds the current user there counts as activity: the hourly recall query
    // must not keep lastActiveAt fresh on its own.
    if (result.currentUserActivity) await this.#markActive();
    return result;
  }

  async sendBotMessage(message: NormalizedBotMessage & { history?: KichiBotHistoryEntry[] }) {
    await this.ready;
    const { connection, auth } = this.#requireConnected();
    const requestId = connection.nextRequestId("bot");
    const ack = await this.#request(connection, { type: "bot_message", requestId, ...auth, ...message }, "bot_message_ack");
    const delivered = KichiBotMessageAckFrameSchema.safeParse(ack);
    if (!delivered.success) throw new KichiError(`unexpected ${ack.type}`);
    await this.#recordBotMessage({
      requestId,
      direction: "sent",
      from: auth.avatarId,
      to: message.toAvatarId,
      depth: message.depth,
      bubble: message.bubble,
    });
    const { type: _type, ...rest } = delivered.data;
    return rest;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.ready;
    this.#connection?.stop("Kichi runtime stopped");
    this.#connection = undefined;
  }
}
