import {
  GatewayAgentIdentitySchema,
  GatewayAgentsListResultSchema,
  type GatewayApprovalDecision,
  type GatewayHelloOk,
  GatewayRunAckSchema,
  GatewaySessionsAbortResultSchema,
  type GatewaySessionsCreateParams,
  GatewaySessionsCreateResultSchema,
  type GatewaySessionsSendParams,
  GatewayToolsInvokeResultSchema,
} from "@clawbridge/contracts/gateway";
import type { z } from "zod";
import { DEFAULT_RECONNECT, type ReconnectOptions, reconnectDelayMs } from "./backoff.js";
import { normalizeGatewayEvent } from "./normalize.js";
import { GatewayProtocolClient, type GatewayProtocolClientOptions, GatewayRequestError } from "./protocol-client.js";
import { RunReplay } from "./run-replay.js";
import {
  type GatewayEvent,
  type OpenClawEvent,
  type OpenClawEventType,
  type RunResult,
  type RunStatus,
  TERMINAL_EVENT_TYPES,
  type ToolInvokeParams,
  type ToolInvokeResult,
} from "./types.js";
import { runStatusFromWaitPayload } from "./wait-status.js";

export interface OpenClawGatewayClientOptions extends Omit<GatewayProtocolClientOptions, "onEvent"> {
  /**
   * Reconnecting after a dropped connection (on unless `false`): backoff with jitter, then the runs
   * being followed are recovered. `onClose` fires only once the client gives up.
   */
  reconnect?: ReconnectOptions | false;
  /** Called before each reconnect attempt (the UI can say "reconnecting…"). */
  onReconnecting?: (info: { attempt: number; delayMs: number; code: number; reason: string }) => void;
  /** Called once a reconnect succeeded and the followed runs are being recovered. */
  onReconnected?: (info: { attempts: number; recovering: string[] }) => void;
  /** How long one `agent.wait` of a recovering run waits before it asks again (default 30 s). */
  recoverWaitMs?: number;
}

const TERMINAL_TYPE: Readonly<Record<Exclude<RunStatus, "accepted">, OpenClawEventType>> = {
  completed: "run.completed",
  failed: "run.failed",
  cancelled: "run.cancelled",
  timed_out: "run.timed_out",
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parsed<S extends z.ZodType>(schema: S, method: string, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new GatewayRequestError(
      "INVALID_RESPONSE",
      `${method} answered an unexpected shape: ${result.error.issues[0]?.message ?? "invalid"}`,
    );
  }
  return result.data;
}

/**
 * The SDK-shaped client the OpenMeow adapter needs (`@openclaw/sdk` is not published): agents,
 * sessions, runs, tools and approvals mapped to the Gateway methods, over our protocol v4 client.
 * It subscribes to events before the first request, so `runs.events(runId)` called after
 * `sessions.send` still replays the run from its start.
 */
export class OpenClawGatewayClient {
  readonly #protocol: GatewayProtocolClient;
  readonly #replay = new RunReplay();
  readonly #listeners = new Set<(event: OpenClawEvent) => void>();
  readonly #options: OpenClawGatewayClientOptions;
  #connecting: Promise<GatewayHelloOk> | undefined;
  #closedByUser = false;

  constructor(options: OpenClawGatewayClientOptions) {
    this.#options = options;
    const { reconnect: _reconnect, onReconnecting: _a, onReconnected: _b, recoverWaitMs: _c, ...protocolOptions } = options;
    this.#protocol = new GatewayProtocolClient({
      ...protocolOptions,
      onEvent: (event) => this.#onEvent(event),
      onClose: (info) => {
        if (this.#options.reconnect === false || this.#closedByUser) {
          this.#lost(info);
          return;
        }
        // Requests made meanwhile wait on the reconnect (`request` awaits `connect`).
        this.#connecting = this.#reconnect(info);
        this.#connecting.catch(() => {});
      },
    });
  }

  #lost(info: { code: number; reason: string }): void {
    this.#connecting = undefined;
    this.#replay.close();
    this.#options.onClose?.(info);
  }

  /**
   * Reconnects with backoff and jitter; then recovers each followed run. Gives up after
   * `maxAttempts`, ending the followed runs' streams and reporting the close.
   */
  async #reconnect(info: { code: number; reason: string }): Promise<GatewayHelloOk> {
    const options = this.#options.reconnect || {};
    const random = options.random ?? Math.random;
    const sleep = options.sleep ?? defaultSleep;
    const maxAttempts = options.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const delayMs = reconnectDelayMs(attempt, random, options);
      this.#options.onReconnecting?.({ attempt: attempt + 1, delayMs, ...info });
      await sleep(delayMs);
      if (this.#closedByUser) break;
      try {
        const hello = await this.#protocol.connect();
        const followed = this.#replay.followedForRecovery();
        this.#options.onReconnected?.({ attempts: attempt + 1, recovering: followed.map((run) => run.runId) });
        for (const run of followed) void this.#recover(run.runId, run.sessionKey);
        return hello;
      } catch {
        // The next attempt waits longer.
      }
    }
    this.#lost(info);
    throw new GatewayRequestError(
      "UNAVAILABLE",
      `gateway connection lost (${info.code}${info.reason ? ` ${info.reason}` : ""}); gave up reconnecting`,
    );
  }

  /**
   * Settles a run followed across a lost connection: `agent.wait` until it has ended (a run that ended
   * while we were away answers at once), then its full text — the wait's `terminalReply`, else the
   * session's history, else the last chat message seen — and its end.
   */
  async #recover(runId: string, sessionKey: string | undefined): Promise<void> {
    let settled = false;
    // A gateway that crashed resumes the interrupted turn as a new run of the same session (its
    // restart recovery); the old run id is then unknown to it. That successor's end is this run's end.
    const stopWatching = sessionKey
      ? this.onEvent((event) => {
          if (settled || event.sessionKey !== sessionKey || !event.runId || event.runId === runId) return;
          if (!TERMINAL_EVENT_TYPES.has(event.type)) return;
          settled = true;
          const successor = event.runId;
          void this.#finalText(sessionKey, {}).then((text) => {
            const terminal: OpenClawEvent = {
              ...event,
              id: `recovered:${runId}`,
              runId,
              data: { ...(event.data as object), recovered: true, successorRunId: successor },
            };
            this.#replay.settle(runId, text ?? this.#replay.messageText(successor), terminal);
          });
        })
      : () => {};
    try {
      while (!settled) {
        let payload: Record<string, unknown>;
        try {
          payload = await this.#protocol.request<Record<string, unknown>>(
            "agent.wait",
            { runId, timeoutMs: this.#options.recoverWaitMs ?? 30_000 },
            { timeoutMs: null },
          );
        } catch {
          // The connection dropped again: the next reconnect recovers this run anew.
          return;
        }
        const status = runStatusFromWaitPayload(payload ?? {});
        if (status === "accepted" || settled) continue;
        settled = true;
        await this.#settleFromWait(runId, sessionKey, status, payload);
      }
    } finally {
      stopWatching();
    }
  }

  async #settleFromWait(
    runId: string,
    sessionKey: string | undefined,
    status: Exclude<RunStatus, "accepted">,
    payload: Record<string, unknown>,
  ): Promise<void> {
    const text = (await this.#finalText(sessionKey, payload)) ?? this.#replay.messageText(runId);
    const terminal: OpenClawEvent = {
      version: 1,
      id: `recovered:${runId}`,
      ts: typeof payload.endedAt === "number" ? payload.endedAt : Date.now(),
      type: TERMINAL_TYPE[status],
      runId,
      data: { ...payload, recovered: true },
    };
    if (sessionKey) terminal.sessionKey = sessionKey;
    this.#replay.settle(runId, text, terminal);
  }

  /** The run's final assistant text from the gateway: the wait's `terminalReply`, else `chat.history`. */
  async #finalText(sessionKey: string | undefined, wait: Record<string, unknown>): Promise<string | undefined> {
    const reply = (wait.terminalReply as { text?: unknown } | undefined)?.text;
    if (typeof reply === "string" && reply !== "") return reply;
    if (!sessionKey || !this.hasMethod("chat.history")) return undefined;
    try {
      const history = await this.#protocol.request<{ messages?: unknown[] }>("chat.history", { sessionKey, limit: 20 });
      const messages = Array.isArray(history?.messages) ? history.messages : [];
      for (const message of [...messages].reverse()) {
        const m = message as { role?: unknown; runId?: unknown; content?: unknown };
        if (m.role !== "assistant" || !Array.isArray(m.content)) continue;
        const text = m.content.flatMap((part) => (part && typeof part.text === "string" ? [part.text as string] : [])).join("");
        if (text) return text;
      }
    } catch {
      // No history: the caller falls back to what the chat frames carried.
    }
    return undefined;
  }

  #onEvent(frame: GatewayEvent): void {
    const event = normalizeGatewayEvent(frame);
    this.#replay.record(event);
    for (const listener of this.#listeners) listener(event);
  }

  /** Connects once; later calls share the same handshake. */
  async connect(): Promise<GatewayHelloOk> {
    if (!this.#connecting) {
      this.#closedByUser = false;
      this.#replay.reopen();
      this.#connecting = this.#protocol.connect();
      this.#connecting.catch(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }

  async close(): Promise<void> {
    this.#closedByUser = true;
    this.#connecting = undefined;
    this.#protocol.close();
    this.#replay.close();
  }

  get hello(): GatewayHelloOk | undefined {
    return this.#protocol.hello;
  }

  /** Whether the gateway advertised a method in `hello-ok.features.methods`. */
  hasMethod(method: string): boolean {
    return this.#protocol.hello?.features.methods.includes(method) ?? false;
  }

  async request<T = unknown>(method: string, params?: unknown, options?: { timeoutMs?: number | null }): Promise<T> {
    await this.connect();
    return this.#protocol.request<T>(method, params, options);
  }

  /** Every normalized event of every run, live. */
  onEvent(listener: (event: OpenClawEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readonly agents = {
    list: async () => parsed(GatewayAgentsListResultSchema, "agents.list", await this.request("agents.list", {})),
    get: async (agentId: string) => ({
      id: agentId,
      identity: async (params: { sessionKey?: string } = {}) =>
        parsed(GatewayAgentIdentitySchema, "agent.identity.get", await this.request("agent.identity.get", { agentId, ...params })),
    }),
  };

  readonly sessions = {
    create: async (params: GatewaySessionsCreateParams) =>
      parsed(GatewaySessionsCreateResultSchema, "sessions.create", await this.request("sessions.create", params)),
    send: async (params: GatewaySessionsSendParams) => {
      const ack = parsed(GatewayRunAckSchema, "sessions.send", await this.request("sessions.send", params));
      return { ...ack, id: ack.runId, sessionKey: ack.sessionKey ?? params.key };
    },
    abort: async (params: { key?: string; runId?: string }) =>
      parsed(GatewaySessionsAbortResultSchema, "sessions.abort", await this.request("sessions.abort", params)),
  };

  readonly runs = {
    events: (runId: string): AsyncIterable<OpenClawEvent> => this.#replay.events(runId),
    wait: async (runId: string, options: { timeoutMs?: number } = {}): Promise<RunResult> => {
      const params: Record<string, unknown> = { runId };
      if (options.timeoutMs !== undefined) params.timeoutMs = options.timeoutMs;
      const payload = await this.request<Record<string, unknown>>("agent.wait", params, { timeoutMs: null });
      const result: RunResult = { runId, status: runStatusFromWaitPayload(payload ?? {}), raw: payload };
      if (typeof payload?.startedAt === "number") result.startedAt = payload.startedAt;
      if (typeof payload?.endedAt === "number") result.endedAt = payload.endedAt;
      if (typeof payload?.sessionKey === "string") result.sessionKey = payload.sessionKey;
      if (payload?.error !== undefined) {
        result.error = { message: typeof payload.error === "string" ? payload.error : JSON.stringify(payload.error) };
      }
      return result;
    },
    cancel: async (runId: string, sessionKey?: string) => {
      const params: Record<string, unknown> = { runId };
      if (sessionKey) params.key = sessionKey;
      return parsed(GatewaySessionsAbortResultSchema, "sessions.abort", await this.request("sessions.abort", params));
    },
  };

  readonly tools = {
    catalog: async (params: { agentId?: string } = {}) => this.request("tools.catalog", params),
    effective: async (params: { sessionKey: string; agentId?: string }) => {
      if (!params?.sessionKey) throw new TypeError("tools.effective requires sessionKey");
      return this.request("tools.effective", params);
    },
    invoke: async (name: string, params: ToolInvokeParams = {}): Promise<ToolInvokeResult> => {
      await this.connect();
      if (!this.hasMethod("tools.invoke")) throw new GatewayRequestError("INVALID_REQUEST", "unknown method: tools.invoke");
      const payload = await this.request("tools.invoke", { name, conversationReadOrigin: "direct-operator", ...params });
      return parsed(GatewayToolsInvokeResultSchema, "tools.invoke", payload) as ToolInvokeResult;
    },
  };

  readonly approvals = {
    respond: async (id: string, decision: GatewayApprovalDecision) => this.request("exec.approval.resolve", { id, decision }),
  };
}
