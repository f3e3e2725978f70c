import {
  RomeActionResultSchema,
  RomeAgentMessageSchema,
  RomeEventCatalogEntrySchema,
  RomeMessagePartSchema,
  RomeNormalizedMessageSchema,
  romeActionResultSchema,
} from "@clawbridge/contracts";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type {
  ActionResult,
  AgentMessage,
  AgentRunnerInterface,
  AppLifecycle,
  EventCatalogEntry,
  Handoff,
  MessagePart,
  NormalizedMessage,
  PendingApproval,
  PendingInteraction,
  PlaceWidget,
  PreviewPayload,
  StreamAgentMessage,
  ThreadContext,
} from "./types.js";

interface Note {
  id: string;
  title: string;
}

describe("ActionResult<T>", () => {
  it("carries T into data, and narrows every variant on status", () => {
    const narrow = (result: ActionResult<Note>) => {
      switch (result.status) {
        case "ok":
          expectTypeOf(result.data).toEqualTypeOf<Note | undefined>();
          return;
        case "error":
          expectTypeOf(result.error).toEqualTypeOf<string>();
          return;
        case "pending_approval":
          expectTypeOf(result.approval).toEqualTypeOf<PendingApproval>();
          return;
        case "pending_interaction":
          expectTypeOf(result.interaction).toEqualTypeOf<PendingInteraction>();
          expectTypeOf(result.interaction.render.kind).toEqualTypeOf<"inline">();
          return;
        case "handoff":
          expectTypeOf(result.handoff).toEqualTypeOf<Handoff>();
          expectTypeOf(result.handoff.handback).toEqualTypeOf<{ schema: Record<string, unknown>; validate?: string } | undefined>();
          return;
        case "place_widget":
          expectTypeOf(result.placement).toEqualTypeOf<PlaceWidget>();
          expectTypeOf(result.placement.params).toEqualTypeOf<Record<string, string | number | boolean> | undefined>();
          return;
        default:
          expectTypeOf(result).toBeNever();
      }
    };
    narrow({ status: "ok", data: { id: "n1", title: "t" } });
    expectTypeOf<ActionResult>().toEqualTypeOf<ActionResult<unknown>>();
    expectTypeOf<Extract<ActionResult<number>, { status: "ok" }>>().toEqualTypeOf<{ status: "ok"; data?: number }>();
    // @ts-expect-error data must be a Note
    const wrong: ActionResult<Note> = { status: "ok", data: { id: 1 } };
    expect(wrong.status).toBe("ok");
  });

  it("has a schema factory whose inferred ok data is the data schema's type", () => {
    const schema = romeActionResultSchema(z.object({ id: z.string(), title: z.string() }));
    type Parsed = z.infer<typeof schema>;
    expectTypeOf<Extract<Parsed, { status: "ok" }>["data"]>().toEqualTypeOf<Note | undefined>();
    expect(schema.safeParse({ status: "ok", data: { id: "n1", title: "t" } }).success).toBe(true);
    expect(schema.safeParse({ status: "ok", data: { id: 1 } }).success).toBe(false);
  });

  it("validates every variant at the boundary", () => {
    const valid: ActionResult[] = [
      { status: "ok" },
      { status: "error", error: "name taken" },
      { status: "pending_approval", approval: { approvalId: "a1", actionName: "delete", description: "Delete it" } },
      {
        status: "pending_interaction",
        interaction: { appId: "x", promptText: "Pick one", render: { kind: "inline", componentId: "picker" } },
      },
      {
        status: "handoff",
        handoff: { appId: "x", promptText: "Design it", handback: { schema: { type: "object" } }, handbackHint: "Read <childSessionId>" },
      },
      { status: "place_widget", placement: { appId: "x", sessionScoped: true, route: "orders/1", params: { orderId: 1 } } },
    ];
    for (const result of valid) expect(RomeActionResultSchema.parse(result)).toEqual(result);
    const invalid = [
      { status: "done" },
      { status: "error" },
      { status: "place_widget", placement: { appId: "x", sessionScoped: true, params: { nested: { a: 1 } } } },
      { status: "pending_interaction", interaction: { appId: "x", promptText: "p", render: { kind: "modal", componentId: "c" } } },
    ];
    for (const result of invalid) expect(RomeActionResultSchema.safeParse(result).success).toBe(false);
  });
});

describe("AgentMessage", () => {
  it("narrows each of its fifteen variants on type (0.3.0's eleven, 0.6.6's four)", () => {
    const narrow = (message: AgentMessage) => {
      switch (message.type) {
        case "turn_start":
          expectTypeOf(message).toHaveProperty("userPrompt").toEqualTypeOf<string>();
          return;
        case "turn_end":
          expectTypeOf(message.status).toEqualTypeOf<"completed" | "interrupted" | "error">();
          return;
        case "text":
        case "text_delta":
        case "thinking":
          expectTypeOf(message.content).toEqualTypeOf<string>();
          return;
        case "tool_use":
          expectTypeOf(message.input).toEqualTypeOf<unknown>();
          expectTypeOf(message.startedAt).toEqualTypeOf<string | undefined>();
          return;
        case "tool_result":
          expectTypeOf(message.toolUseId).toEqualTypeOf<string>();
          return;
        case "result":
          expectTypeOf(message.accounting?.usage.inputTokens).toEqualTypeOf<number | undefined>();
          return;
        case "error":
          expectTypeOf(message.error).toEqualTypeOf<string>();
          return;
        case "session_init":
          expectTypeOf(message.turnId).toEqualTypeOf<string | undefined>();
          return;
        case "structured_output":
          expectTypeOf(message.payload).toEqualTypeOf<unknown>();
          return;
        case "input_status":
          expectTypeOf(message.state).toEqualTypeOf<
            "queued" | "submitted" | "accepted" | "consumed" | "unknown" | "cancelled" | "failed"
          >();
          return;
        case "subagent_start":
          expectTypeOf(message.agentName).toEqualTypeOf<string>();
          return;
        case "subagent_result":
          if (message.status === "completed") expectTypeOf(message.output).toEqualTypeOf<unknown>();
          else expectTypeOf(message.error).toEqualTypeOf<{ message: string; code?: string }>();
          return;
        case "plan_update":
          expectTypeOf(message.plan.steps[0]?.status).toEqualTypeOf<"pending" | "in_progress" | "completed" | undefined>();
          return;
        default:
          expectTypeOf(message).toBeNever();
      }
    };
    narrow({ type: "text", content: "hi" });
    expectTypeOf<StreamAgentMessage>().toMatchTypeOf<AgentMessage>();
    expectTypeOf<StreamAgentMessage["agent"]>().toEqualTypeOf<string | undefined>();
    expect(RomeAgentMessageSchema.options).toHaveLength(15);
    const subagentFailed = { type: "subagent_result", toolUseId: "u", agentName: "a", sessionId: "s", turnId: "t", status: "failed" };
    expect(RomeAgentMessageSchema.safeParse({ ...subagentFailed, error: { message: "boom" } }).success).toBe(true);
    expect(RomeAgentMessageSchema.safeParse({ ...subagentFailed, output: 1 }).success).toBe(false);
    expect(RomeAgentMessageSchema.safeParse({ type: "plan_update", plan: { steps: [{ text: "a", status: "done" }] } }).success).toBe(false);
    expect(RomeAgentMessageSchema.safeParse({ type: "turn_end", turnId: "t", status: "completed", durationMs: 12 }).success).toBe(true);
    expect(RomeAgentMessageSchema.safeParse({ type: "turn_end", turnId: "t", status: "stopped", durationMs: 12 }).success).toBe(false);
  });
});

describe("MessagePart", () => {
  it("narrows on type, has the suspension parts and no ask-user parts", () => {
    const narrow = (part: MessagePart) => {
      switch (part.type) {
        case "pending_interaction":
          expectTypeOf(part.render.componentId).toEqualTypeOf<string>();
          return;
        case "handoff":
          expectTypeOf(part.surface).toEqualTypeOf<string>();
          expectTypeOf(part.childSessionId).toEqualTypeOf<string | undefined>();
          return;
        case "submission_card":
          expectTypeOf(part.payload).toEqualTypeOf<Record<string, unknown>>();
          return;
        case "interaction_result":
          expectTypeOf(part.output).toEqualTypeOf<Record<string, unknown>>();
          return;
        case "routine_draft_card":
          expectTypeOf(part.draft.actionName).toEqualTypeOf<string>();
          return;
        case "text":
        case "turn_recap":
        case "approval_card":
          return;
        default:
          expectTypeOf(part).toBeNever();
      }
    };
    narrow({ type: "submission_card", payload: {} });
    expectTypeOf<Extract<MessagePart, { type: "ask_user_question_card" }>>().toBeNever();
    expectTypeOf<Extract<MessagePart, { type: "user_answer" }>>().toBeNever();
    expect(RomeMessagePartSchema.safeParse({ type: "user_answer", toolUseId: "t", answers: [] }).success).toBe(false);
    expect(RomeMessagePartSchema.safeParse({ type: "interaction_result", toolUseId: "t", output: { dismissed: true } }).success).toBe(true);
  });
});

describe("PreviewPayload", () => {
  it("narrows on kind", () => {
    const narrow = (preview: PreviewPayload) => {
      if (preview.kind === "sensitive_message") expectTypeOf(preview.threadId).toEqualTypeOf<string>();
      else if (preview.kind === "generic") expectTypeOf(preview.fields).toEqualTypeOf<{ label: string; value: string }[] | undefined>();
      else expectTypeOf(preview).toBeNever();
    };
    narrow({ kind: "generic", title: "t", summary: "s" });
  });
});

describe("the rest of the 0.3.0 surface", () => {
  it("NormalizedMessage.routing, ThreadContext.senderBondLevel, EventCatalogEntry schema fields, runner and lifecycle", () => {
    expectTypeOf<NormalizedMessage["routing"]>().toEqualTypeOf<{ agentName?: string } | undefined>();
    expectTypeOf<NormalizedMessage["timestamp"]>().toEqualTypeOf<Date>();
    expectTypeOf<ThreadContext["senderBondLevel"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Pick<ThreadContext, "channel" | "threadId">>().toEqualTypeOf<{ channel: string; threadId: string }>();
    // @ts-expect-error a thread context names its channel and thread
    const bare: ThreadContext = {};
    expect(bare).toEqual({});
    expectTypeOf<EventCatalogEntry["schemaOrigin"]>().toEqualTypeOf<"observed" | "declared" | undefined>();
    expectTypeOf<NonNullable<AgentRunnerInterface["hasAgent"]>>().returns.toEqualTypeOf<boolean | Promise<boolean>>();
    expectTypeOf<NonNullable<AgentRunnerInterface["hasAction"]>>().parameters.toEqualTypeOf<[string, string]>();
    expectTypeOf<Parameters<AppLifecycle["install"]>[0]>().not.toHaveProperty("appId");

    const message = RomeNormalizedMessageSchema.parse({
      id: "m1",
      channel: "discord",
      channelUserId: "u1",
      displayName: "Ada",
      threadId: "t1",
      threadType: "group",
      timestamp: "2026-11-21T05:00:00.000Z",
      text: "hi",
      attachments: [],
      routing: { agentName: "scribe" },
      rawEvent: null,
    });
    expect(message.timestamp).toBeInstanceOf(Date);
    expect(message.routing).toEqual({ agentName: "scribe" });
    expect(RomeEventCatalogEntrySchema.safeParse({ eventType: "note.added", appId: "notes", schemaOrigin: "guessed" }).success).toBe(false);
  });
});
