import type { ClawhipEvent } from "@clawbridge/contracts";
import { IngressError } from "./ingress-error.js";
import { isLegacyAgentEvent, isSessionEvent } from "./kinds.js";

/**
 * The typed check upstream runs after normalization: lifecycle events (agent.* and session.*) need a
 * non-empty `agent_name` and `status`. Any other kind is a custom event and always valid.
 */
export function validateCanonicalEvent(event: ClawhipEvent): void {
  if (!isLegacyAgentEvent(event.kind) && !isSessionEvent(event.kind)) return;
  for (const field of ["agent_name", "status"]) {
    const value = event.payload[field];
    if (typeof value !== "string" || value.trim() === "") throw new IngressError(400, `missing string field '${field}'`);
  }
}
