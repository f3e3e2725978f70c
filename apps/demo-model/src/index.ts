export { BOT_BUBBLES, botBubbleFor } from "./bot-bubble.js";
export { isInternalContext, type ToolResult, type Turn, turnOf, userWords } from "./conversation.js";
export { DEMO_MODEL_ID, DEMO_MODEL_NOTICE } from "./demo-model.js";
export {
  DEFAULT_TOKEN_DELAY_MS,
  type PacedToken,
  type PlanOptions,
  planReply,
  type ReplyPlan,
  SLOW_STEP_MS,
  type TextReason,
} from "./plan.js";
export { completionOf, durationOf, type PacedChunk, type ReplyMeta, streamOf } from "./render.js";
export { type DemoModelServerOptions, type RunningDemoModel, type Sleep, startDemoModel } from "./server.js";
export { BOT_CONVERSATION_HEADER, DEFAULT_SLOW_SECONDS, type Intent, MAX_SLOW_SECONDS, readIntent } from "./triggers.js";
