import type { ToolPayload } from "@clawbridge/contracts";
import { type AgentLocator, errorMessage, failure } from "@clawbridge/plugin-host";
import type { KichiAgentRuntime } from "../runtime/agent-runtime.js";
import { KichiError } from "../runtime/errors.js";
import type { KichiRuntimes } from "../runtime/runtimes.js";
import type { Validation } from "../validate/result.js";

/** What every tool needs: the agents' runtimes, resolved lazily (the state folder is known at call time). */
export interface KichiToolDeps {
  runtimes: () => KichiRuntimes;
}

export const RUNTIME_UNRESOLVED =
  "Failed to resolve agent-scoped Kichi runtime: the call names no agent (no agent id and no agent:<id>: session key)";

/**
 * Runs a tool body against the caller's agent runtime, resolved now (not when the factory ran).
 * Domain errors become `success:false` payloads; nothing is thrown into the gateway.
 */
export async function withRuntime(
  deps: KichiToolDeps,
  ctx: AgentLocator,
  run: (runtime: KichiAgentRuntime) => Promise<ToolPayload>,
): Promise<ToolPayload> {
  const runtime = deps.runtimes().resolve({ agentId: ctx.agentId, sessionKey: ctx.sessionKey });
  if (!runtime) return failure(RUNTIME_UNRESOLVED);
  try {
    await runtime.ready;
    return await run(runtime);
  } catch (error) {
    if (error instanceof KichiError) return failure(error.message, error.extra);
    return failure(errorMessage(error));
  }
}

/** A failed validation as a tool payload. */
export function rejected(validation: Extract<Validation<unknown>, { ok: false }>): ToolPayload {
  return failure(validation.error, validation.details ?? {});
}
