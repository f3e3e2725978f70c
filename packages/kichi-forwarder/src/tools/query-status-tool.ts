import { KichiQueryStatusParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { type KichiToolDeps, withRuntime } from "./shared.js";

export function kichiQueryStatusTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_query_status",
    label: "Kichi: room status",
    description:
      "Query the Kichi room: who is there, notes and the daily note quota, hasCreatedMusicAlbumToday, the owner's state, the clock, the current idle plan, and RoomContext.PoseableProps (PropId, DisplayName, SupportedPoseTypes, OccupancyState). The props are cached for kichi_action. Use it before writing a note or creating the daily album.",
    params: KichiQueryStatusParamsSchema,
    execute: ({ requestId }) =>
      withRuntime(deps, ctx, async (runtime) => {
        const { type: _type, ...result } = await runtime.queryStatus(requestId);
        return { success: true, ...result };
      }),
  });
}
