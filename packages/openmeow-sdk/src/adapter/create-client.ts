import { OpenClawGatewayClient } from "../gateway/openclaw-gateway-client.js";
import type { OpenClawEvent, ToolInvokeParams, ToolInvokeResult } from "../gateway/types.js";
import { invokeToolOverHttp } from "./http-tools-invoke.js";
import type { OpenClawLike, OpenMeowSDKClient, OpenMeowSDKClientOptions, OpenMeowSendResult } from "./types.js";

const NO_TOOLS_INVOKE = ["unknown method: tools.invoke", "does not expose tools.invoke", "oc.tools.invoke is not supported"];

type AnyFn = (...args: unknown[]) => unknown;

function need(owner: unknown, name: string, path: string): AnyFn {
  const fn = owner && typeof owner === "object" ? (owner as Record<string, unknown>)[name] : undefined;
  if (typeof fn !== "function") throw new Error(`OpenClaw SDK client does not expose ${path}()`);
  return (fn as AnyFn).bind(owner);
}

function field(value: unknown, ...keys: string[]): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === "string" && v !== "") return v;
  }
  return undefined;
}

/** Refuses a missing or blank id in upstream's words, before anything is sent. */
function nonEmpty(value: unknown, label: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`${label} must be a non-empty string`);
  return value;
}

function defaultOpenClaw(options: OpenMeowSDKClientOptions): OpenClawLike {
  if (!options.gateway) throw new Error("createOpenMeowSDKClient: pass options.gateway (the gateway ws:// URL) or options.openClaw");
  return new OpenClawGatewayClient({
    url: options.gateway,
    ...(options.token ? { token: options.token } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.device ? { device: options.device } : {}),
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientMode ? { clientMode: options.clientMode } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.onClose ? { onClose: options.onClose } : {}),
    ...(options.reconnect !== undefined ? { reconnect: options.reconnect } : {}),
    ...(options.onReconnecting ? { onReconnecting: options.onReconnecting } : {}),
    ...(options.onReconnected ? { onReconnected: options.onReconnected } : {}),
  }) as unknown as OpenClawLike;
}

/**
 * The OpenMeow adapter over an SDK-shaped client (ours by default). Each method checks that the
 * client exposes what it needs and says which part is missing otherwise.
 */
export function createOpenMeowSDKClient(options: OpenMeowSDKClientOptions = {}): OpenMeowSDKClient {
  let oc: OpenClawLike | undefined = options.openClaw;
  const client = (): OpenClawLike => {
    oc ??= defaultOpenClaw(options);
    return oc;
  };
  const httpOptions = {
    ...(options.gateway ? { gateway: options.gateway } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };

  return {
    async connect() {
      // An SDK without connect() connects on first use.
      const c = client();
      if (typeof c.connect === "function") await need(c, "connect", "connect")();
    },
    async close() {
      if (oc && typeof oc.close === "function") await need(oc, "close", "close")();
    },
    async listAgents() {
      return need(client().agents, "list", "agents.list")();
    },
    async getAgentIdentity(agentId) {
      nonEmpty(agentId, "agentId");
      const agent = await need(client().agents, "get", "agents.get")(agentId);
      return need(agent, "identity", "agents.get(id).identity")();
    },
    async createLaneSession(target) {
      if (!target || typeof target !== "object") throw new TypeError("target must be an object");
      nonEmpty(target.agentId, "target.agentId");
      if (target.sessionKey !== undefined && target.sessionKey !== "")
        return { sessionKey: nonEmpty(target.sessionKey, "target.sessionKey") };
      const params: Record<string, unknown> = { agentId: target.agentId };
      if (target.label) params.label = target.label;
      const session = await need(client().sessions, "create", "sessions.create")(params);
      const sessionKey = field(session, "sessionKey", "key", "id");
      if (!sessionKey) throw new TypeError("sessions.create did not return a session key");
      return { sessionKey };
    },
    async send(sessionKey, message): Promise<OpenMeowSendResult> {
      nonEmpty(sessionKey, "sessionKey");
      nonEmpty(message, "message");
      const result = await need(client().sessions, "send", "sessions.send")({ key: sessionKey, message });
      const run = result && typeof result === "object" ? (result as Record<string, unknown>).run : undefined;
      const runId = field(result, "runId", "id") ?? field(run, "id");
      if (!runId) throw new TypeError("sessions.send did not return a runId");
      const status = field(result, "status");
      return status ? { runId, sessionKey, status } : { runId, sessionKey };
    },
    async *events(runId) {
      nonEmpty(runId, "runId");
      const stream = need(client().runs, "events", "runs.events")(runId) as AsyncIterable<OpenClawEvent> | Iterable<OpenClawEvent>;
      yield* stream;
    },
    async wait(runId, timeoutMs) {
      nonEmpty(runId, "runId");
      return need(client().runs, "wait", "runs.wait")(runId, timeoutMs === undefined ? {} : { timeoutMs });
    },
    async cancel(runId, sessionKey) {
      nonEmpty(runId, "runId");
      nonEmpty(sessionKey, "sessionKey");
      const c = client();
      if (typeof c.runs?.cancel === "function") return need(c.runs, "cancel", "runs.cancel")(runId, sessionKey);
      return need(c.sessions, "abort", "runs.cancel or sessions.abort")({ key: sessionKey, runId });
    },
    async effectiveTools(sessionKey) {
      // Without a key the SDK decides: ours (and the gateway) refuse it, another SDK may pick a default.
      const params = typeof sessionKey === "string" && sessionKey.trim() !== "" ? { sessionKey } : {};
      return need(client().tools, "effective", "tools.effective")(params);
    },
    async invokeTool(name, params: ToolInvokeParams = {}): Promise<ToolInvokeResult> {
      nonEmpty(name, "name");
      if (!params || typeof params !== "object") throw new TypeError("params must be an object");
      const c = client();
      if (typeof c.tools?.invoke === "function") {
        try {
          return (await need(c.tools, "invoke", "tools.invoke")(name, params)) as ToolInvokeResult;
        } catch (error) {
          const message = (error as Error)?.message ?? "";
          if (!NO_TOOLS_INVOKE.some((m) => message.includes(m))) throw error;
        }
      }
      return invokeToolOverHttp(name, params, httpOptions);
    },
    async respondApproval(approvalId, decision) {
      return need(client().approvals, "respond", "approvals.respond")(approvalId, decision);
    },
  };
}
