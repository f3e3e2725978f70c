import type { KichiPlayback, KichiPoseType } from "@clawbridge/contracts";
import { resolveAction } from "./action.js";
import { invalid, type Validation, valid } from "./result.js";

export interface BotMessageInput {
  toAvatarId: string;
  depth: number;
  bubble: string;
  poseType?: KichiPoseType | undefined;
  action?: string | undefined;
  log?: string | undefined;
}

export interface NormalizedBotMessage {
  toAvatarId: string;
  depth: number;
  bubble: string;
  poseType?: KichiPoseType;
  action?: string;
  playback?: KichiPlayback;
  log?: string;
}

/** A bot message: `toAvatarId` or `*`, depth ≥ 0, and when an action is given its playback from the catalog. */
export function normalizeBotMessage(input: BotMessageInput): Validation<NormalizedBotMessage> {
  const toAvatarId = input.toAvatarId.trim();
  if (!toAvatarId) return invalid("toAvatarId is required");
  if (!Number.isInteger(input.depth) || input.depth < 0) return invalid("depth must be a non-negative number");
  const bubble = input.bubble.trim();
  if (!bubble) return invalid("bubble is required");
  const out: NormalizedBotMessage = { toAvatarId, depth: input.depth, bubble };
  if (input.action !== undefined && input.poseType === undefined) return invalid("poseType is required when action is given");
  if (input.poseType !== undefined) {
    out.poseType = input.poseType;
    if (input.action !== undefined) {
      const resolved = resolveAction(input.poseType, input.action);
      if (!resolved.ok) return resolved;
      out.action = resolved.value.name;
      out.playback = resolved.value.playback;
    }
  }
  if (input.log?.trim()) out.log = input.log.trim();
  return valid(out);
}
