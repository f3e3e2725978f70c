import type { KichiIdlePlan, KichiIdlePlanAction, KichiIdlePlanParams, KichiIdlePlanStage } from "@clawbridge/contracts";
import { resolveAction } from "./action.js";
import { invalid, type Validation, valid } from "./result.js";

/** A `once` action plays a single time; holding it longer than this leaves the avatar frozen. */
export const ONCE_ACTION_MAX_SECONDS = 30;

export interface NormalizedIdlePlan {
  plan: KichiIdlePlan;
  requestId?: string;
  totalDurationSeconds: number;
}

/**
 * Checks an idle plan against the catalog and its timing rules: each action exists for its pose
 * (canonical name), `once` actions last at most 30 s, the actions of a stage fill it exactly, and the
 * stages fill the heartbeat interval exactly. Text is trimmed; every stage keeps its avatarStatus and
 * every action its log (both required of the agent since upstream 0.1.2-beta.24).
 */
export function normalizeIdlePlan(input: KichiIdlePlanParams): Validation<NormalizedIdlePlan> {
  const goal = input.goal.trim();
  if (!goal) return invalid("goal must be a non-empty string");
  const stages: KichiIdlePlanStage[] = [];
  let total = 0;
  for (const [s, stage] of input.stages.entries()) {
    const where = `stages[${s}]`;
    const name = stage.name.trim();
    const purpose = stage.purpose.trim();
    if (!name) return invalid(`${where}.name must be a non-empty string`);
    if (!purpose) return invalid(`${where}.purpose must be a non-empty string`);
    const actions: KichiIdlePlanAction[] = [];
    let stageSum = 0;
    for (const [a, item] of stage.actions.entries()) {
      const at = `${where}.actions[${a}]`;
      const resolved = resolveAction(item.poseType, item.action);
      if (!resolved.ok) return invalid(`${at}: ${resolved.error}`, resolved.details);
      const { name: actionName, playback } = resolved.value;
      if (playback.mode === "once" && item.durationSeconds > ONCE_ACTION_MAX_SECONDS) {
        return invalid(
          `${at}: once actions must stay at ${ONCE_ACTION_MAX_SECONDS} seconds or less ("${actionName}" is ${item.durationSeconds})`,
        );
      }
      const bubble = item.bubble.trim();
      if (!bubble) return invalid(`${at}.bubble must be a non-empty string`);
      const propId = item.propId?.trim();
      actions.push({
        poseType: item.poseType,
        action: actionName,
        durationSeconds: item.durationSeconds,
        bubble,
        log: item.log.trim(),
        ...(propId ? { propId } : {}),
      });
      stageSum += item.durationSeconds;
    }
    if (stageSum !== stage.durationSeconds) {
      return invalid(`${where}: action durations must equal stage duration exactly (${stageSum} !== ${stage.durationSeconds})`);
    }
    stages.push({
      name,
      purpose,
      pomodoroPhase: stage.pomodoroPhase,
      avatarStatus: stage.avatarStatus,
      durationSeconds: stage.durationSeconds,
      actions,
    });
    total += stage.durationSeconds;
  }
  if (total !== input.heartbeatIntervalSeconds) {
    return invalid(`idle plan total duration must equal heartbeatIntervalSeconds exactly (${total} !== ${input.heartbeatIntervalSeconds})`);
  }
  return valid({
    plan: { heartbeatIntervalSeconds: input.heartbeatIntervalSeconds, goal, stages },
    ...(input.requestId ? { requestId: input.requestId } : {}),
    totalDurationSeconds: total,
  });
}
