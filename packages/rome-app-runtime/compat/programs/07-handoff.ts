// Handing the floor to a specialist agent, with a contract for what it must hand back.
import type { ActionResult, HandbackSpec, Handoff } from "@rome-os/app-runtime";

const handback: HandbackSpec = {
  schema: { type: "object", properties: { plan: { type: "string" } }, required: ["plan"] },
  validate: "check_plan",
};

export function designWith(agentName: string, summary: string): ActionResult {
  const handoff: Handoff = {
    appId: "workflow-studio",
    promptText: "Let's design this workflow together.",
    agentName,
    payload: { summary },
    handback,
    handbackHint: "Open the result with show_plan, session <childSessionId>.",
  };
  return { status: "handoff", handoff };
}
