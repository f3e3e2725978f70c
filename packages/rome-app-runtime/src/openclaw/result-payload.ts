import type { ToolPayload } from "@clawbridge/contracts";
import type { ActionResult } from "../types.js";

/**
 * What an agent reads back from a Rome action called as an OpenClaw tool. Every payload names the
 * result's `status`; suspensions say in `message` what the agent must do next and keep the structured
 * suspension beside it, so a host that understands Rome can still act on it.
 */
export function actionResultToToolPayload(actionName: string, result: ActionResult): ToolPayload {
  switch (result.status) {
    case "ok":
      return { success: true, status: "ok", ...(result.data === undefined ? {} : { data: result.data }) };
    case "error":
      return { success: false, status: "error", error: result.error };
    case "pending_approval":
      return {
        success: true,
        status: "pending_approval",
        approvalId: result.approval.approvalId,
        message: `"${actionName}" is waiting for approval ${result.approval.approvalId} (${result.approval.description}). It has not run yet; its outcome arrives once the guardian decides. Do not call it again.`,
        approval: result.approval,
      };
    case "pending_interaction":
      return {
        success: true,
        status: "pending_interaction",
        promptText: result.interaction.promptText,
        message: "Relay promptText to the user as your reply and wait: their answer arrives as the next turn.",
        interaction: result.interaction,
      };
    case "handoff":
      return {
        success: true,
        status: "handoff",
        promptText: result.handoff.promptText,
        message: "Relay promptText to the user as your reply and wait: the conversation continues with them.",
        handoff: result.handoff,
      };
    case "place_widget":
      return { success: true, status: "place_widget", placement: result.placement };
  }
}
