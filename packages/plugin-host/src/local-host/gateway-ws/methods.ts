import {
  GatewayAgentIdentityParamsSchema,
  GatewayAgentWaitParamsSchema,
  GatewayApprovalResolveParamsSchema,
  GatewayChatSendParamsSchema,
  GatewaySessionsAbortParamsSchema,
  GatewaySessionsCreateParamsSchema,
  GatewaySessionsSendParamsSchema,
  GatewayToolsCatalogParamsSchema,
  GatewayToolsEffectiveParamsSchema,
  GatewayToolsInvokeParamsSchema,
} from "@clawbridge/contracts";
import type { z } from "zod";
import { sessionKeyProblem } from "../session.js";
import type { GatewayHostPort, ToolDescription } from "./host-port.js";
import type { RunRegistry } from "./runs.js";

/** A method's failure, answered as an error frame. */
export class GatewayMethodError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

function params<S extends z.ZodType>(schema: S, method: string, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ");
    throw new GatewayMethodError("INVALID_REQUEST", `invalid ${method} params: ${detail}`);
  }
  return result.data;
}

/**
 * Plugin tools as the protocol's one `plugin` group (group ids are only `core`, `plugin`, `channel`
 * and `mcp`); each tool keeps its plugin id, which the tool entry schema has.
 */
function toolGroups(tools: ToolDescription[]) {
  if (tools.length === 0) return [];
  return [
    {
      id: "plugin" as const,
      label: "Connected tools",
      source: "plugin" as const,
      tools: tools.map((tool) => ({
        id: tool.name,
        label: tool.label ?? tool.name,
        description: tool.description ?? "",
        rawDescription: tool.description ?? "",
        source: "plugin" as const,
        pluginId: tool.pluginId,
      })),
    },
  ];
}

type Handler = (raw: unknown) => Promise<unknown> | unknown;

/** A session key a client may use; one with a reserved segment (`__proto__`) is an INVALID_REQUEST. */
function usableSessionKey(key: string): string {
  const problem = sessionKeyProblem(key);
  if (problem) throw new GatewayMethodError("INVALID_REQUEST", problem);
  return key;
}

/**
 * The Gateway methods of the local subset, each validating its params with the contracts schema. A
 * `Map`, because the method name comes from the client and must never find `Object.prototype` members.
 */
export function gatewayMethods(host: GatewayHostPort, runs: RunRegistry): ReadonlyMap<string, Handler> {
  const knownAgent = (agentId: string | undefined): string => {
    const id = agentId ?? host.agents[0] ?? "main";
    if (!host.agents.includes(id)) throw new GatewayMethodError("INVALID_REQUEST", `unknown agent id: ${id}`);
    return id;
  };
  const knownSession = (key: string) => {
    const session = runs.session(usableSessionKey(key));
    if (!session) throw new GatewayMethodError("INVALID_REQUEST", `unknown session key: ${key}`);
    return session;
  };
  const methods: Record<string, Handler> = {
    "agents.list": () => ({
      defaultId: host.agents[0] ?? "main",
      mainKey: "main",
      scope: "per-sender",
      // No configured names: the gateway then lists bare ids, and clients show the id.
      agents: host.agents.map((id) => ({ id })),
    }),
    "agent.identity.get": (raw) => {
      const p = params(GatewayAgentIdentityParamsSchema, "agent.identity.get", raw);
      const agentId = knownAgent(p.agentId);
      // No configured identity: the defaults, said so (`nameSource`), with the name's initial as avatar.
      return { agentId, name: agentId, nameSource: "default", avatar: agentId.slice(0, 1).toUpperCase() };
    },
    "sessions.create": (raw) => {
      const p = params(GatewaySessionsCreateParamsSchema, "sessions.create", raw);
      if (p.key) usableSessionKey(p.key);
      const agentId = knownAgent(p.agentId ?? (p.key ? /^agent:([^:]+):/.exec(p.key)?.[1] : undefined));
      const session = runs.createSession({ agentId, ...(p.key ? { key: p.key } : {}), ...(p.label ? { label: p.label } : {}) });
      let run: { runId: string } | undefined;
      if (p.message) run = runs.start(session, p.message);
      return { ok: true, key: session.key, sessionId: session.sessionId, runStarted: Boolean(run), ...(run ? { runId: run.runId } : {}) };
    },
    "sessions.send": (raw) => {
      const p = params(GatewaySessionsSendParamsSchema, "sessions.send", raw);
      const session = knownSession(p.key);
      try {
        const run = runs.start(session, p.message, p.idempotencyKey);
        return { runId: run.runId, status: "started" };
      } catch (error) {
        throw new GatewayMethodError("INVALID_REQUEST", (error as Error).message);
      }
    },
    "chat.send": (raw) => {
      const p = params(GatewayChatSendParamsSchema, "chat.send", raw);
      const session = knownSession(p.sessionKey);
      try {
        const run = runs.start(session, p.message, p.idempotencyKey);
        return { runId: run.runId, status: "started" };
      } catch (error) {
        throw new GatewayMethodError("INVALID_REQUEST", (error as Error).message);
      }
    },
    "agent.wait": (raw) => {
      const p = params(GatewayAgentWaitParamsSchema, "agent.wait", raw);
      return runs.wait(p.runId, p.timeoutMs ?? 30_000);
    },
    "sessions.abort": (raw) => {
      const p = params(GatewaySessionsAbortParamsSchema, "sessions.abort", raw);
      if (!p.key && !p.runId) throw new GatewayMethodError("INVALID_REQUEST", "sessions.abort requires key or runId");
      if (p.key) usableSessionKey(p.key);
      return runs.abort(p);
    },
    "tools.effective": (raw) => {
      const p = params(GatewayToolsEffectiveParamsSchema, "tools.effective", raw);
      const session = knownSession(p.sessionKey);
      return {
        agentId: session.agentId,
        profile: "local",
        groups: toolGroups(host.describeTools({ agentId: session.agentId, sessionKey: session.key })),
      };
    },
    "tools.catalog": (raw) => {
      const p = params(GatewayToolsCatalogParamsSchema, "tools.catalog", raw);
      const agentId = knownAgent(p.agentId);
      return { agentId, profiles: [{ id: "local", label: "Local host" }], groups: toolGroups(host.describeTools({ agentId })) };
    },
    "tools.invoke": async (raw) => {
      const p = params(GatewayToolsInvokeParamsSchema, "tools.invoke", raw);
      const outcome = await host.invokeTool(p.name, p.args ?? {}, {
        ...(p.agentId ? { agentId: p.agentId } : {}),
        ...(p.sessionKey ? { sessionKey: p.sessionKey } : {}),
      });
      if (outcome.body.ok) return { ok: true, toolName: p.name, output: outcome.body.result, source: "plugin" };
      return { ok: false, toolName: p.name, error: { code: outcome.body.error.type, message: outcome.body.error.message } };
    },
    "exec.approval.resolve": (raw) => {
      const p = params(GatewayApprovalResolveParamsSchema, "exec.approval.resolve", raw);
      if (!runs.resolveApproval(p.id, p.decision))
        throw new GatewayMethodError("INVALID_REQUEST", `unknown or already resolved approval id: ${p.id}`);
      return { ok: true, id: p.id, decision: p.decision };
    },
  };
  return new Map(Object.entries(methods));
}
