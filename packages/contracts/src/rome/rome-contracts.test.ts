import { describe, expect, it } from "vitest";
import {
  RomeActionEventSchema,
  RomeAgentAccountingSchema,
  RomeCdpIncomingFrameSchema,
  RomeCdpPageTargetSchema,
  RomeEventCatalogEntrySchema,
  RomeMessagePartSchema,
  RomeRoutineDraftSpecSchema,
  RomeRoutineSchema,
  RomeThreadContextSchema,
  RomeTriggerSchema,
  RomeWorkerReplySchema,
  RomeWorkerRequestSchema,
} from "./index.js";

const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join(".")) ?? [];

describe("the Rome contracts", () => {
  it("a thread context names its channel and thread", () => {
    expect(RomeThreadContextSchema.parse({ channel: "telegram", threadId: "42", threadName: "Family" })).toEqual({
      channel: "telegram",
      threadId: "42",
      threadName: "Family",
    });
    expect(issuePaths(RomeThreadContextSchema.safeParse({}))).toEqual(["channel", "threadId"]);
  });

  it("accounting carries context usage and the provider's raw usage object", () => {
    const accounting = {
      provider: "p",
      model: "m",
      usage: { cacheReadTokens: 0, cacheWriteTokens: 0, inputTokens: 1, outputTokens: 2 },
      context: { usedTokens: 3, windowTokens: 100 },
      rawUsage: { prompt_tokens: 1 },
    };
    expect(RomeAgentAccountingSchema.parse(accounting)).toEqual(accounting);
    expect(issuePaths(RomeAgentAccountingSchema.safeParse({ ...accounting, context: { windowTokens: 1 } }))).toEqual([
      "context.usedTokens",
    ]);
    expect(issuePaths(RomeAgentAccountingSchema.safeParse({ ...accounting, rawUsage: 7 }))).toEqual(["rawUsage"]);
  });

  it("triggers are four closed shapes, routines revive their dates, drafts bind a schedule or an event", () => {
    expect(RomeTriggerSchema.parse({ type: "schedule", tzid: "UTC", localTime: "09:00", rrule: "FREQ=DAILY" }).type).toBe("schedule");
    expect(RomeTriggerSchema.safeParse({ type: "cron", spec: "* * * * *" }).success).toBe(false);
    expect(issuePaths(RomeTriggerSchema.safeParse({ type: "event-bus", eventName: "x", filter: [{ field: "a" }] }))).toEqual([
      "filter.0.equals",
    ]);
    const routine = RomeRoutineSchema.parse({
      id: "r1",
      name: "daily",
      enabled: true,
      trigger: { type: "poll", source: "rss", interval: "15m" },
      actionName: "digest",
      args: {},
      createdAt: "2026-11-29T12:00:00.000Z",
    });
    expect(routine.createdAt).toBeInstanceOf(Date);
    const draft = {
      sentence: "When Dana writes, Rome texts you.",
      name: "dana",
      watchLabel: "Gmail · new email",
      thenSummary: "text you",
      trigger: { type: "webhook", path: "/h" },
      actionName: "text",
      args: {},
    };
    expect(RomeRoutineDraftSpecSchema.safeParse(draft).success).toBe(false);
    expect(RomeRoutineDraftSpecSchema.safeParse({ ...draft, trigger: { type: "event-bus", eventName: "gmail.new" } }).success).toBe(true);
    expect(
      issuePaths(RomeMessagePartSchema.safeParse({ type: "routine_draft_card", toolUseId: "u", draft: { ...draft, sentence: undefined } })),
    ).toContain("draft.sentence");
  });

  it("a catalogue payload schema is a JSON Schema object: properties of schemas, required a list of names", () => {
    const entry = {
      eventType: "orders.placed",
      appId: "orders",
      payloadSchema: { type: "object", properties: { id: { type: "string" } } },
    };
    expect(RomeEventCatalogEntrySchema.parse(entry)).toEqual(entry);
    for (const payloadSchema of [{ type: "array" }, { type: "object", properties: { id: "string" } }, { type: "object", required: "id" }]) {
      const result = RomeEventCatalogEntrySchema.safeParse({ ...entry, payloadSchema });
      expect(result.error?.issues[0]?.message).toBe(
        'expected a JSON Schema of `type: "object"` (properties: an object of schemas, required: an array of names)',
      );
    }
  });

  it("action events have a string type; worker messages carry record args and in-order events", () => {
    expect(RomeActionEventSchema.safeParse({ type: "progress", n: 1 }).success).toBe(true);
    expect(RomeActionEventSchema.safeParse({ type: "" }).success).toBe(false);
    expect(RomeActionEventSchema.safeParse({ n: 1 }).success).toBe(false);
    expect(RomeWorkerRequestSchema.safeParse({ type: "invoke", id: 1, name: "a", args: [1] }).success).toBe(false);
    expect(RomeWorkerReplySchema.safeParse({ type: "event", id: 1, event: { type: "progress" } }).success).toBe(true);
    expect(RomeWorkerReplySchema.safeParse({ type: "event", id: 1, event: {} }).success).toBe(false);
  });

  it("DevTools frames: a reply, an error, an event; a page target names its socket", () => {
    expect(RomeCdpIncomingFrameSchema.parse({ id: 3, result: { ok: true } })).toEqual({ id: 3, result: { ok: true } });
    expect(RomeCdpIncomingFrameSchema.parse({ id: 4, error: { code: -32601, message: "not found" } }).error?.message).toBe("not found");
    expect(RomeCdpIncomingFrameSchema.parse({ method: "Page.loadEventFired", params: { timestamp: 1 } }).method).toBe(
      "Page.loadEventFired",
    );
    expect(RomeCdpIncomingFrameSchema.safeParse({ id: "3" }).success).toBe(false);
    expect(RomeCdpPageTargetSchema.safeParse({ id: "T1" }).success).toBe(false);
  });
});
