import { agentIdFromSessionKey } from "../agent-runtimes.js";

export type InvocationTarget = { ok: true; agentId: string; sessionKey: string } | { ok: false; message: string };

/**
 * Resolves which agent and session a `/tools/invoke` call runs in, as the gateway does: a session
 * key without an `agent:` prefix is scoped to the requested (or default) agent, an `agent:<id>:`
 * prefix names the agent, an explicit agent id must be known and must agree with the key.
 */
export function resolveInvocationTarget(
  request: { agentId?: string | undefined; sessionKey?: string | undefined },
  knownAgents: readonly string[],
  defaultAgent = "main",
): InvocationTarget {
  const requested = request.agentId?.trim().toLowerCase() || undefined;
  if (requested && !knownAgents.includes(requested)) {
    return { ok: false, message: `Unknown agent id "${request.agentId}"` };
  }
  const rawKey = request.sessionKey?.trim() || "main";
  const keyAgent = agentIdFromSessionKey(rawKey);
  if (keyAgent) {
    if (requested && requested !== keyAgent) {
      return { ok: false, message: `agent "${requested}" does not match session key agent "${keyAgent}"` };
    }
    return { ok: true, agentId: keyAgent, sessionKey: rawKey };
  }
  const agentId = requested ?? defaultAgent;
  return { ok: true, agentId, sessionKey: `agent:${agentId}:${rawKey}` };
}
