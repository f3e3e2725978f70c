import { KichiQueryStatusParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { needsSchedule, resolvePresence } from "./presence.js";
import { type KichiToolDeps, withRuntime } from "./shared.js";

const BASE_DESCRIPTION =
  "Query the Kichi room: who is there, notes (isCreatedByCurrentAgent, isFromCurrentUser), the note quota (canCreateNoteboardNote, remaining, dailyLimit), hasCreatedMusicAlbumToday, currentUserActivity (what the person at Kichi is doing; null when away), isAvatarInScene, environmentWeather/environmentTime, the clock, the current idle plan, and RoomContext.PoseableProps (PropId, DisplayName, SupportedPoseTypes, OccupancyState). The props are cached for kichi_action. Use it before writing a note or creating the daily album.";

const PRESENCE_DESCRIPTION =
  'presenceScope: "current" when asked where you are or what you are doing, "today" when asked about today\'s plans; omit it otherwise. With it the result adds resolvedPresence: the live room while isAvatarInScene is true, else your daily-schedule slot for this hour (and for "today" the slots still to come).';

export function kichiQueryStatusTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext, official: boolean): DefinedTool {
  return defineTool({
    name: "kichi_query_status",
    label: "Kichi: room status",
    description: official ? `${BASE_DESCRIPTION} ${PRESENCE_DESCRIPTION}` : BASE_DESCRIPTION,
    params: KichiQueryStatusParamsSchema,
    execute: ({ requestId, presenceScope }) =>
      withRuntime(deps, ctx, async (runtime) => {
        if (presenceScope && !official) {
          return { success: false, error: "presenceScope is only available when the join source is kichiclaw" };
        }
        const { type: _type, ...result } = await runtime.queryStatus(requestId);
        if (!presenceScope) return { success: true, ...result };
        const schedule = needsSchedule(result.isAvatarInScene, presenceScope) ? await runtime.store.readDailySchedule() : undefined;
        const presence = resolvePresence(result, presenceScope, schedule, runtime.now());
        if (!presence.ok) return { success: false, error: presence.error, queryStatus: result };
        return { success: true, ...result, resolvedPresence: presence.value };
      }),
  });
}
