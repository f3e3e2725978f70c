import type { KichiClock, KichiClockInput, KichiClockParams } from "@clawbridge/contracts";
import { invalid, type Validation, valid } from "./result.js";

export type ClockCommand = { action: "set"; clock: KichiClock } | { action: "stop" };

function pomodoroPhaseLength(clock: Extract<KichiClockInput, { mode: "pomodoro" }>, phase: "focus" | "shortBreak" | "longBreak"): number {
  if (phase === "focus") return clock.kichiSeconds;
  return phase === "shortBreak" ? clock.shortBreakSeconds : clock.longBreakSeconds;
}

/** Fills a clock's defaults and checks what the types cannot: the session and the remaining time fit. */
export function normalizeClock(input: KichiClockInput): Validation<KichiClock> {
  switch (input.mode) {
    case "pomodoro": {
      const currentSession = input.currentSession ?? 1;
      if (currentSession > input.sessionCount) {
        return invalid(`clock.currentSession must be <= clock.sessionCount (${currentSession} > ${input.sessionCount})`);
      }
      const phase = input.phase ?? "focus";
      const phaseLength = pomodoroPhaseLength(input, phase);
      const remainingSeconds = input.remainingSeconds ?? phaseLength;
      if (remainingSeconds > phaseLength) {
        return invalid(`clock.remainingSeconds must be <= the ${phase} length (${remainingSeconds} > ${phaseLength})`);
      }
      return valid({
        mode: "pomodoro",
        kichiSeconds: input.kichiSeconds,
        shortBreakSeconds: input.shortBreakSeconds,
        longBreakSeconds: input.longBreakSeconds,
        sessionCount: input.sessionCount,
        currentSession,
        phase,
        remainingSeconds,
        running: input.running ?? true,
      });
    }
    case "countDown": {
      const remainingSeconds = input.remainingSeconds ?? input.durationSeconds;
      if (remainingSeconds > input.durationSeconds) {
        return invalid(`clock.remainingSeconds must be <= clock.durationSeconds (${remainingSeconds} > ${input.durationSeconds})`);
      }
      return valid({ mode: "countDown", durationSeconds: input.durationSeconds, remainingSeconds, running: input.running ?? true });
    }
    case "countUp":
      return valid({ mode: "countUp", elapsedSeconds: input.elapsedSeconds ?? 0, running: input.running ?? true });
  }
}

/** `set` needs a clock; `stop` takes none. */
export function normalizeClockCommand(params: KichiClockParams): Validation<ClockCommand> {
  if (params.action === "stop") {
    return params.clock ? invalid('clock must be omitted when action is "stop"') : valid({ action: "stop" });
  }
  if (!params.clock) return invalid('clock is required when action is "set"');
  const clock = normalizeClock(params.clock);
  return clock.ok ? valid({ action: "set", clock: clock.value }) : clock;
}
