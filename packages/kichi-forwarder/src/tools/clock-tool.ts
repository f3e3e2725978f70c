import { KichiClockParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { normalizeClockCommand } from "../validate/clock.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

export function kichiClockTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_clock",
    label: "Kichi: clock",
    description: [
      'Set or stop the clock shown in the room. It is display only: it never reminds or notifies anyone. To alert the user at a time, schedule a cron job as well (and show the wait with a countDown). action "set" needs clock:',
      "pomodoro {kichiSeconds (focus length), shortBreakSeconds, longBreakSeconds, sessionCount, currentSession=1, phase=focus, remainingSeconds=phase length, running=true},",
      "countDown {durationSeconds, remainingSeconds=durationSeconds, running=true}, or countUp {elapsedSeconds=0, running=true}.",
    ].join(" "),
    params: KichiClockParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const command = normalizeClockCommand(params);
        if (!command.ok) return rejected(command);
        const sent = await runtime.sendClock(command.value, params.requestId);
        return { success: true, ...command.value, acknowledged: sent.acknowledged };
      }),
  });
}
