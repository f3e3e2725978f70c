import { isPrototypeKey } from "@clawbridge/contracts";
import { agentIdFromSessionKey } from "../agent-runtimes.js";

export type InvocationTarget = { ok: true; agentId: string; sessionKey: string } | { ok: false; message: string };

/**
 * Why a session key from a client cannot be used, or undefined when it can. A key with a segment that
 * is an `Object.prototype` name (`agent:main:constructor`, `__proto__`) is refused: plugins key their
 * per-agent and per-session state by these parts, and such a name must never reach a plain object.
 * Segments are also checked trimmed and lowercased, as agent ids are read (`agent:__PROTO__:x` names
 * the agent `__proto__`).
 */
export function sessionKeyProblem(sessionKey: string): string | undefined {
  const reserved = sessionKey.split(":").find((segment) => isPrototypeKey(segment) || isPrototypeKey(segment.trim().toLowerCase()));
  return reserved === undefined ? undefined : `session key uses the reserved name "${reserved}"`;
}

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
  const problem = sessionKeyProblem(rawKey);
  if (problem) return { ok: false, message: problem };
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
