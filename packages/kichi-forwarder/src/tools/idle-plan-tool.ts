import { KichiIdlePlanParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { normalizeIdlePlan, ONCE_ACTION_MAX_SECONDS } from "../validate/idle-plan.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

export function kichiIdlePlanTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_idle_plan",
    label: "Kichi: idle plan",
    description: [
      "Plan what your avatar does until the next heartbeat: a goal and stages (name, purpose, pomodoroPhase focus/shortBreak/longBreak/none, durationSeconds), each with actions (poseType, action, durationSeconds, bubble, optional log and propId).",
      "Action durations must add up exactly to their stage, and stages exactly to heartbeatIntervalSeconds.",
      `Once-actions may last at most ${ONCE_ACTION_MAX_SECONDS} seconds.`,
    ].join(" "),
    params: KichiIdlePlanParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const normalized = normalizeIdlePlan(params);
        if (!normalized.ok) return rejected(normalized);
        const { plan, requestId, totalDurationSeconds } = normalized.value;
        const sent = await runtime.sendIdlePlan(plan, requestId);
        return { success: true, ...plan, totalDurationSeconds, acknowledged: sent.acknowledged };
      }),
  });
}
