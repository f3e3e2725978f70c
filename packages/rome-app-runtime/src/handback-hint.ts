import { ROME_CHILD_SESSION_ID_TOKEN } from "@clawbridge/contracts";

/**
 * The host's side of `Handoff.handbackHint`: every `<childSessionId>` token becomes the handoff's child
 * session id, so the resumed caller reads its exact next step.
 */
export function resolveHandbackHint(hint: string, childSessionId: string): string {
  return hint.split(ROME_CHILD_SESSION_ID_TOKEN).join(childSessionId);
}
