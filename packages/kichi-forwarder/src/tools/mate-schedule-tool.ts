import { KichiNoParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { type KichiToolDeps, withRuntime } from "./shared.js";

/** Offered only when the join source is `kichiclaw` (the official Kichi OpenClaw build), as upstream does. */
export function kichiSyncMateScheduleTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_sync_mate_daily_schedule",
    label: "Kichi: sync today's schedule",
    description:
      "Send today's mate daily schedule (daily-schedule.json in your Kichi folder: date, timezone, activeArcs, hourly slots with place home/kichi_room/real_world) to Kichi World. Call it after writing or changing the file.",
    params: KichiNoParamsSchema,
    execute: () =>
      withRuntime(deps, ctx, async (runtime) => {
        const read = await runtime.store.readDailySchedule();
        if (!read.ok) return { success: false, error: `Cannot sync the daily schedule: ${read.error}` };
        const sent = await runtime.syncMateSchedule(read.schedule);
        return { success: true, date: read.schedule.date, slotCount: read.schedule.slots.length, acknowledged: sent.acknowledged };
      }),
  });
}
