import type {
  ActionResult,
  AgentMessage,
  ErrorMessage,
  InputStatusMessage,
  PlanUpdateMessage,
  ResultMessage,
  SessionInitMessage,
  StructuredOutputMessage,
  SubagentResultMessage,
  SubagentStartMessage,
  TextDeltaMessage,
  TextMessage,
  ThinkingMessage,
  ToolResultMessage,
  ToolUseMessage,
  TurnEndMessage,
  TurnStartMessage,
} from "./types.js";

type ResultOf<T, S extends ActionResult["status"]> = Extract<ActionResult<T>, { status: S }>;

export const isOkResult = <T>(result: ActionResult<T>): result is ResultOf<T, "ok"> => result.status === "ok";
export const isErrorResult = <T>(result: ActionResult<T>): result is ResultOf<T, "error"> => result.status === "error";
export const isPendingApprovalResult = <T>(result: ActionResult<T>): result is ResultOf<T, "pending_approval"> =>
  result.status === "pending_approval";
export const isPendingInteractionResult = <T>(result: ActionResult<T>): result is ResultOf<T, "pending_interaction"> =>
  result.status === "pending_interaction";
export const isHandoffResult = <T>(result: ActionResult<T>): result is ResultOf<T, "handoff"> => result.status === "handoff";
export const isPlaceWidgetResult = <T>(result: ActionResult<T>): result is ResultOf<T, "place_widget"> => result.status === "place_widget";

/** A result that parks the calling agent until someone resolves it (`place_widget` does not). */
export const isSuspendedResult = <T>(
  result: ActionResult<T>,
): result is ResultOf<T, "pending_approval" | "pending_interaction" | "handoff"> =>
  result.status === "pending_approval" || result.status === "pending_interaction" || result.status === "handoff";

export const isTurnStartMessage = (message: AgentMessage): message is TurnStartMessage => message.type === "turn_start";
export const isTurnEndMessage = (message: AgentMessage): message is TurnEndMessage => message.type === "turn_end";
export const isTextMessage = (message: AgentMessage): message is TextMessage => message.type === "text";
export const isTextDeltaMessage = (message: AgentMessage): message is TextDeltaMessage => message.type === "text_delta";
export const isThinkingMessage = (message: AgentMessage): message is ThinkingMessage => message.type === "thinking";
export const isToolUseMessage = (message: AgentMessage): message is ToolUseMessage => message.type === "tool_use";
export const isToolResultMessage = (message: AgentMessage): message is ToolResultMessage => message.type === "tool_result";
export const isResultMessage = (message: AgentMessage): message is ResultMessage => message.type === "result";
export const isErrorMessage = (message: AgentMessage): message is ErrorMessage => message.type === "error";
export const isSessionInitMessage = (message: AgentMessage): message is SessionInitMessage => message.type === "session_init";
export const isStructuredOutputMessage = (message: AgentMessage): message is StructuredOutputMessage =>
  message.type === "structured_output";

export const isInputStatusMessage = (message: AgentMessage): message is InputStatusMessage => message.type === "input_status";
export const isSubagentStartMessage = (message: AgentMessage): message is SubagentStartMessage => message.type === "subagent_start";
export const isSubagentResultMessage = (message: AgentMessage): message is SubagentResultMessage => message.type === "subagent_result";
export const isPlanUpdateMessage = (message: AgentMessage): message is PlanUpdateMessage => message.type === "plan_update";

/** The terminal block of a turn: its answer or its failure (`turn_end` still follows). */
export const isTerminalMessage = (message: AgentMessage): message is ResultMessage | ErrorMessage =>
  message.type === "result" || message.type === "error";
