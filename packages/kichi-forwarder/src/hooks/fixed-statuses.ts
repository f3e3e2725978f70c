import type { StatusRequest } from "../runtime/agent-runtime.js";

const loop = { mode: "loop" as const };
const yay = { mode: "once" as const, resumeAction: "Idle Backup Hands" };

/**
 * The statuses hooks send on their own (when the agent does not drive its avatar through the LLM):
 * busy while it plans and works, idle once the turn is over, whatever its outcome.
 */
export const FIXED_HOOK_STATUSES = {
  beforePromptBuild: { poseType: "sit", action: "Thinking", bubble: "Planning task", log: "", playback: loop, avatarStatus: "Busy" },
  beforeToolCall: {
    poseType: "sit",
    action: "Typing with Keyboard",
    bubble: "Working step",
    log: "",
    playback: loop,
    avatarStatus: "Busy",
  },
  agentEndSuccess: { poseType: "stand", action: "Yay", bubble: "Task complete", log: "", playback: yay, avatarStatus: "Idle" },
  agentEndFailure: { poseType: "stand", action: "Tired", bubble: "Task failed", log: "", playback: loop, avatarStatus: "Idle" },
} as const satisfies Record<string, StatusRequest>;

/** Preview widths of the hook bubbles, in display columns. */
export const MESSAGE_RECEIVED_PREVIEW_WIDTH = 20;
export const SEND_MESSAGE_PREVIEW_WIDTH = 10;
