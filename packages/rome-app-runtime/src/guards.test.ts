import { describe, expect, expectTypeOf, it } from "vitest";
import * as guards from "./guards.js";
import type { ActionResult, AgentMessage } from "./types.js";

const results: ActionResult<{ n: number }>[] = [
  { status: "ok", data: { n: 1 } },
  { status: "error", error: "no" },
  { status: "pending_approval", approval: { approvalId: "a", actionName: "x", description: "d" } },
  { status: "pending_interaction", interaction: { appId: "a", promptText: "p", render: { kind: "inline", componentId: "c" } } },
  { status: "handoff", handoff: { appId: "a", promptText: "p" } },
  { status: "place_widget", placement: { appId: "a", sessionScoped: false } },
];

const messages: AgentMessage[] = [
  { type: "turn_start", turnId: "t", sessionId: "s", userPrompt: "u" },
  { type: "turn_end", turnId: "t", status: "completed", durationMs: 1 },
  { type: "text", content: "c" },
  { type: "text_delta", content: "c" },
  { type: "thinking", content: "c" },
  { type: "tool_use", id: "i", tool: "t", input: {} },
  { type: "tool_result", toolUseId: "i", tool: "t", output: {} },
  { type: "result", content: "c" },
  { type: "error", error: "e" },
  { type: "session_init", sessionId: "s" },
  { type: "structured_output", payload: {} },
  { type: "input_status", inputId: "in", state: "queued" },
  { type: "subagent_start", toolUseId: "u", agentName: "a", input: {}, sessionId: "s", turnId: "t" },
  { type: "subagent_result", toolUseId: "u", agentName: "a", sessionId: "s", turnId: "t", status: "completed", output: 1 },
  { type: "plan_update", plan: { steps: [{ text: "x", status: "pending" }] } },
];

describe("type guards", () => {
  it("each ActionResult guard accepts exactly its variant and narrows to it", () => {
    const resultGuards = [
      guards.isOkResult,
      guards.isErrorResult,
      guards.isPendingApprovalResult,
      guards.isPendingInteractionResult,
      guards.isHandoffResult,
      guards.isPlaceWidgetResult,
    ];
    resultGuards.forEach((guard, index) => {
      expect(results.map((result) => guard(result))).toEqual(results.map((_, i) => i === index));
    });
    expect(results.filter(guards.isSuspendedResult).map((r) => r.status)).toEqual(["pending_approval", "pending_interaction", "handoff"]);
    const first = results[0] as ActionResult<{ n: number }>;
    if (guards.isOkResult(first)) expectTypeOf(first.data).toEqualTypeOf<{ n: number } | undefined>();
    if (guards.isPlaceWidgetResult(first)) expectTypeOf(first.placement.sessionScoped).toEqualTypeOf<boolean>();
  });

  it("each AgentMessage guard accepts exactly its variant", () => {
    const messageGuards = [
      guards.isTurnStartMessage,
      guards.isTurnEndMessage,
      guards.isTextMessage,
      guards.isTextDeltaMessage,
      guards.isThinkingMessage,
      guards.isToolUseMessage,
      guards.isToolResultMessage,
      guards.isResultMessage,
      guards.isErrorMessage,
      guards.isSessionInitMessage,
      guards.isStructuredOutputMessage,
      guards.isInputStatusMessage,
      guards.isSubagentStartMessage,
      guards.isSubagentResultMessage,
      guards.isPlanUpdateMessage,
    ];
    messageGuards.forEach((guard, index) => {
      expect(messages.map((message) => guard(message))).toEqual(messages.map((_, i) => i === index));
    });
    expect(messages.filter(guards.isTerminalMessage).map((m) => m.type)).toEqual(["result", "error"]);
    const message = messages[0] as AgentMessage;
    if (guards.isToolUseMessage(message)) expectTypeOf(message.tool).toEqualTypeOf<string>();
  });
});
