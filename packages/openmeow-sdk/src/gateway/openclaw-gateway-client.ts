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
import { normalizeGatewayEvent } from "./normalize.js";
import { GatewayProtocolClient, type GatewayProtocolClientOptions, GatewayRequestError } from "./protocol-client.js";
import { RunReplay } from "./run-replay.js";
import type { GatewayEvent, OpenClawEvent, RunResult, ToolInvokeParams, ToolInvokeResult } from "./types.js";
import { runStatusFromWaitPayload } from "./wait-status.js";

export type OpenClawGatewayClientOptions = Omit<GatewayProtocolClientOptions, "onEvent">;

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
  #connecting: Promise<GatewayHelloOk> | undefined;

  constructor(options: OpenClawGatewayClientOptions) {
    this.#protocol = new GatewayProtocolClient({
      ...options,
      onEvent: (event) => this.#onEvent(event),
      onClose: (info) => {
        this.#connecting = undefined;
        this.#replay.close();
        options.onClose?.(info);
      },
    });
  }

  #onEvent(frame: GatewayEvent): void {
    const event = normalizeGatewayEvent(frame);
    this.#replay.record(event);
    for (const listener of this.#listeners) listener(event);
  }

  /** Connects once; later calls share the same handshake. */
  async connect(): Promise<GatewayHelloOk> {
    if (!this.#connecting) {
      this.#replay.reopen();
      this.#connecting = this.#protocol.connect();
      this.#connecting.catch(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }

  async close(): Promise<void> {
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
