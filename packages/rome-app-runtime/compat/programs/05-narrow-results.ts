// Telling every kind of ActionResult apart.
import type { ActionResult } from "@rome-os/app-runtime";

export function describe(result: ActionResult<{ count: number }>): string {
  switch (result.status) {
    case "ok":
      return `done (${result.data?.count ?? 0})`;
    case "error":
      return `refused: ${result.error}`;
    case "pending_approval":
      return `waiting for approval ${result.approval.approvalId} of ${result.approval.actionName}: ${result.approval.description}`;
    case "pending_interaction":
      return `asking: ${result.interaction.promptText} via ${result.interaction.render.componentId}`;
    case "handoff":
      return `handed to ${result.handoff.agentName ?? "nobody"} in ${result.handoff.appId}`;
    case "place_widget":
      return `widget of ${result.placement.appId}${result.placement.route ? ` at ${result.placement.route}` : ""}`;
    default: {
      const never: never = result;
      return never;
    }
  }
}
