import { KichiActionParamsSchema, type KichiRoomContext } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { resolveAction } from "../validate/action.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

const BASE_DESCRIPTION = [
  "Show what you are doing in Kichi World: a pose (stand, sit, lay, floor) and an action of that pose, with a short bubble.",
  "Action names are matched case-insensitively; an unknown name returns the available ones.",
  "Once-actions play one time and fall back to the pose's resting action.",
  "avatarStatus says what the room shows you as: Busy while working on a request, Activities for your own projects, Break while resting, Idle otherwise.",
  "verify:true waits for the server and reports the pose/action it actually applied and any warning.",
].join(" ");

/**
 * The description carries the poseable props of the last `kichi_query_status`, so the agent can pick
 * a prop id without querying again.
 */
export function kichiActionDescription(roomContext: KichiRoomContext | undefined): string {
  const props = roomContext?.PoseableProps ?? [];
  if (props.length === 0) return BASE_DESCRIPTION;
  const lines = props.map(
    (p) => `- ${p.PropId} "${p.DisplayName}" poses: ${p.SupportedPoseTypes.join("/")}; occupancy: ${p.OccupancyState}`,
  );
  return [
    BASE_DESCRIPTION,
    "",
    "Cached RoomContext.PoseableProps (from the last kichi_query_status):",
    ...lines,
    "For a sit or lay pose, pick the propId whose name fits the task and whose occupancy is not fully_occupied; if none fits, omit propId.",
  ].join("\n");
}

export function kichiActionTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  const known = deps.runtimes().existing({ agentId: ctx.agentId, sessionKey: ctx.sessionKey });
  return defineTool({
    name: "kichi_action",
    label: "Kichi: act",
    description: kichiActionDescription(known?.roomContext),
    params: KichiActionParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const found = resolveAction(params.poseType, params.action);
        if (!found.ok) return rejected(found);
        const { poseType, name: action, playback } = found.value;
        const bubble = params.bubble?.trim() || action;
        const log = params.log?.trim() ?? "";
        const { avatarStatus } = params;
        const status = { poseType, action, bubble, log, playback, avatarStatus, propId: params.propId };
        const ack = await runtime.sendStatus(status, params.verify === true);
        const sent = { poseType, action, bubble, log, playback, avatarStatus, ...(params.propId ? { propId: params.propId } : {}) };
        if (!ack) return { success: true, ...sent };
        const actual = {
          poseType: ack.poseType,
          action: ack.action,
          ...(ack.propId ? { propId: ack.propId } : {}),
        };
        return {
          success: true,
          ...sent,
          verified: true,
          requested: { poseType, action, ...(params.propId ? { propId: params.propId } : {}) },
          actual,
          ...(ack.warning ? { warning: ack.warning } : {}),
        };
      }),
  });
}
