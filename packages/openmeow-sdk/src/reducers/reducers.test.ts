import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { OpenClawEvent } from "../gateway/types.js";
import { reduceOpenMeowCancelResult } from "./cancel-result.js";
import { mapOpenClawEventToOpenMeowUIEvent } from "./map-event.js";
import { initialOpenMeowRunState, markOpenMeowRunCancelling, normalizeOpenMeowWaitResult, reduceOpenMeowRunState } from "./run-state.js";
import { openMeowRunStartedEvent } from "./seed.js";
import type { OpenMeowLaneUIState } from "./types.js";
import { initialOpenMeowUIState, OPENMEOW_DEBUG_EVENT_LIMIT, reduceOpenMeowUIState } from "./ui-state.js";

const LANE = "agent:cody:dashboard:lane-1";
const KNOWN_TYPES = new Set([
  "run.started",
  "run.completed",
  "run.cancelled",
  "run.timed_out",
  "assistant.delta",
  "assistant.message",
  "thinking.delta",
  "tool.call.started",
  "tool.call.delta",
  "tool.call.completed",
  "approval.requested",
  "approval.resolved",
  "session.updated",
]);

function fixture(name: string): OpenClawEvent[] {
  const text = readFileSync(join(import.meta.dirname, "../../fixtures/gateway-events", `${name}.jsonl`), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const event = JSON.parse(line) as OpenClawEvent;
      if (event.version !== 1 || !event.id || !KNOWN_TYPES.has(event.type) || !event.runId)
        throw new Error(`${name}.jsonl:${i + 1} is not an SDK event`);
      return event;
    });
}

function reduceAll(
  events: OpenClawEvent[],
  start: OpenMeowLaneUIState = initialOpenMeowUIState({ sessionKey: LANE }),
): { state: OpenMeowLaneUIState; trail: OpenMeowLaneUIState[] } {
  const trail: OpenMeowLaneUIState[] = [];
  let state = start;
  for (const event of events) {
    state = reduceOpenMeowUIState(state, event);
    trail.push({
      ...state,
      composer: { ...state.composer },
      toolActivities: [...state.toolActivities],
      approvals: [...state.approvals],
      messages: [...state.messages],
      assistantDrafts: { ...state.assistantDrafts },
    });
  }
  return { state, trail };
}

describe("fixtures through reduceOpenMeowUIState", () => {
  it("happy path: deltas stream into a draft, the terminal event turns it into one message, the composer settles", () => {
    const { state, trail } = reduceAll(fixture("happy-path"));
    expect(trail[0]!.composer).toMatchObject({
      mode: "streaming",
      canSend: false,
      canStop: true,
      activeRun: { runId: "run-h", sessionKey: LANE },
    });
    expect(trail[2]!.assistantDrafts).toEqual({ "run-h": "Hello from " });
    expect(state.messages).toEqual([
      { id: "assistant:run-h:0", role: "assistant", runId: "run-h", text: "Hello from Cody", streaming: false },
    ]);
    expect(state.assistantDrafts).toEqual({});
    expect(state.composer).toEqual({
      mode: "idle",
      activeRun: null,
      canSend: true,
      canStop: false,
      lastTerminalStatus: "completed",
      waitDeadlineExpired: false,
    });
    expect(state.debugEvents.map((e) => e.kind === "debug_event" && e.type)).toEqual(["session.updated"]);
    expect(state.revision).toBe(7);
  });

  it("tool + approval: one compact tool row stable from start to completion, one approval card requested then resolved", () => {
    const { state, trail } = reduceAll(fixture("tool-approval"));
    const rows = trail.slice(1, 5).map((s) => s.toolActivities);
    expect(rows.every((r) => r.length === 1 && r[0]!.id === "call-1" && r[0]!.title === "clawbridge_status")).toBe(true);
    expect(rows.map((r) => r[0]!.phase)).toEqual(["started", "delta", "delta", "completed"]);
    expect(state.toolActivities).toEqual([
      { id: "call-1", runId: "run-t", title: "clawbridge_status", phase: "completed", detail: { echo: "hi" }, preview: "checking plugins" },
    ]);
    expect(trail[5]!.approvals).toEqual([{ id: "ap-1", runId: "run-t", title: "rm -rf build", status: "requested" }]);
    expect(state.approvals).toEqual([{ id: "ap-1", runId: "run-t", title: "rm -rf build", status: "resolved" }]);
    expect(state.approvalDecisions.get("ap-1")).toBe("allow-once");
    expect(state.messages.map((m) => m.text)).toEqual(["Approved. Build cleaned."]);
    expect(state.composer.lastTerminalStatus).toBe("completed");
  });

  it("cancelled run: the partial draft is kept as a message and the composer records cancelled", () => {
    const { state } = reduceAll(fixture("cancelled-run"));
    expect(state.messages.map((m) => m.text)).toEqual(["Once upon a time"]);
    expect(state.composer).toMatchObject({ mode: "idle", canSend: true, canStop: false, lastTerminalStatus: "cancelled" });
  });

  it("timed-out run: a runtime timeout settles the composer as timed_out", () => {
    const { state } = reduceAll(fixture("timed-out-run"));
    expect(state.composer).toMatchObject({ mode: "idle", lastTerminalStatus: "timed_out", waitDeadlineExpired: false });
    expect(state.messages.map((m) => m.text)).toEqual(["Working"]);
  });

  it("returns a new top-level object per event without copying the transcript", () => {
    const events = fixture("happy-path");
    const s0 = initialOpenMeowUIState({ sessionKey: LANE });
    const s1 = reduceOpenMeowUIState(s0, events[0]!);
    const s2 = reduceOpenMeowUIState(s1, events[1]!);
    expect(s2).not.toBe(s1);
    expect(s2.messages).toBe(s0.messages);
    expect(s2.toolActivities).toBe(s0.toolActivities);
  });

  it("keeps debug events bounded", () => {
    let state = initialOpenMeowUIState();
    for (let i = 0; i < OPENMEOW_DEBUG_EVENT_LIMIT * 5; i += 1) state = reduceOpenMeowUIState(state, { type: "raw", data: { i } });
    expect(state.debugEvents.length).toBeLessThanOrEqual(OPENMEOW_DEBUG_EVENT_LIMIT * 2);
    expect(state.debugEvents.at(-1)).toMatchObject({ kind: "debug_event", type: "raw" });
  });
});

describe("mapOpenClawEventToOpenMeowUIEvent", () => {
  it("maps every family to its UI event", () => {
    expect(mapOpenClawEventToOpenMeowUIEvent({ type: "run.started", runId: "r", sessionKey: "k" })).toEqual({
      kind: "run_active",
      runId: "r",
      sessionKey: "k",
    });
    expect(mapOpenClawEventToOpenMeowUIEvent({ type: "assistant.delta", runId: "r", data: { delta: "x" } })).toEqual({
      kind: "assistant_delta",
      runId: "r",
      text: "x",
    });
    expect(
      mapOpenClawEventToOpenMeowUIEvent({ type: "tool.call.failed", data: { runId: "r", call: { id: "c", name: "t" }, output: "bad" } }),
    ).toEqual({
      kind: "tool_activity",
      phase: "failed",
      runId: "r",
      title: "t",
      detail: "bad",
    });
    expect(mapOpenClawEventToOpenMeowUIEvent({ event: "approval.requested", payload: { requestId: "q", summary: "do it" } })).toEqual({
      kind: "approval_card",
      phase: "requested",
      approvalId: "q",
      title: "do it",
    });
    expect(mapOpenClawEventToOpenMeowUIEvent({ type: "run.failed", runId: "r" })).toEqual({
      kind: "run_terminal",
      runId: "r",
      status: "failed",
    });
    expect(mapOpenClawEventToOpenMeowUIEvent({ type: "weird" })).toMatchObject({ kind: "debug_event", type: "weird" });
  });
});

describe("composer reducers", () => {
  const run = { runId: "r1", sessionKey: LANE };
  const streaming = reduceOpenMeowRunState(initialOpenMeowRunState(), openMeowRunStartedEvent(run, 1));

  it("a seeded run.started from the send result enables stop at once; a later run.started without a key keeps it", () => {
    expect(streaming).toMatchObject({ mode: "streaming", activeRun: run, canSend: false, canStop: true });
    expect(reduceOpenMeowRunState(streaming, { type: "run.started", runId: "r1" })).toBe(streaming);
    expect(reduceOpenMeowRunState(initialOpenMeowRunState(), { type: "run.started", runId: "r1" }).mode).toBe("idle");
    expect(reduceOpenMeowRunState(streaming, { type: "run.completed", runId: "other" })).toBe(streaming);
  });

  const lane = (composer = streaming) => ({ ...initialOpenMeowUIState({ sessionKey: LANE }), composer });

  it("cancel: cancelling disables both buttons; aborted settles the lane as cancelled", () => {
    const cancelling = markOpenMeowRunCancelling(streaming);
    expect(cancelling).toMatchObject({ mode: "cancelling", canSend: false, canStop: false });
    expect(reduceOpenMeowCancelResult(lane(cancelling), run, { ok: true, abortedRunId: "r1", status: "aborted" }).composer).toMatchObject({
      mode: "idle",
      canSend: true,
      lastTerminalStatus: "cancelled",
    });
    const byRunIds = reduceOpenMeowCancelResult(lane(cancelling), run, { ok: true, aborted: true, runIds: ["r1"] });
    expect(byRunIds.composer.lastTerminalStatus).toBe("cancelled");
  });

  it("cancel answered no-active-run settles the composer instead of leaving it streaming", () => {
    const settled = reduceOpenMeowCancelResult(lane(markOpenMeowRunCancelling(streaming)), run, {
      ok: true,
      abortedRunId: null,
      status: "no-active-run",
    });
    expect(settled.composer).toMatchObject({ mode: "idle", activeRun: null, canSend: true, canStop: false });
  });

  it("a failed cancel restores streaming with stop enabled; an answer about another run changes nothing", () => {
    expect(reduceOpenMeowCancelResult(lane(markOpenMeowRunCancelling(streaming)), run, { ok: false }).composer).toMatchObject({
      mode: "streaming",
      canStop: true,
      canSend: false,
    });
    const before = lane(markOpenMeowRunCancelling(streaming));
    expect(reduceOpenMeowCancelResult(before, { runId: "other", sessionKey: LANE }, { ok: true, status: "aborted" })).toBe(before);
    expect(() => reduceOpenMeowCancelResult(initialOpenMeowUIState(), undefined, { ok: true })).toThrow("runId and sessionKey");
  });

  it("a wait deadline is not terminal: it sets waitDeadlineExpired and keeps streaming; a runtime timeout settles", () => {
    const deadline = normalizeOpenMeowWaitResult({ runId: "r1", status: "accepted" });
    expect(deadline).toMatchObject({ kind: "wait_deadline", terminal: false, status: "accepted" });
    const after = reduceOpenMeowRunState(streaming, deadline);
    expect(after).toMatchObject({ mode: "streaming", canStop: true, waitDeadlineExpired: true });
    const timedOut = normalizeOpenMeowWaitResult({ runId: "r1", status: "timed_out" });
    expect(timedOut).toMatchObject({ kind: "terminal", terminal: true });
    expect(reduceOpenMeowRunState(after, timedOut)).toMatchObject({
      mode: "idle",
      lastTerminalStatus: "timed_out",
      waitDeadlineExpired: false,
    });
    expect(normalizeOpenMeowWaitResult({ status: "pending" }).kind).toBe("unknown");
    expect(normalizeOpenMeowWaitResult(null).kind).toBe("unknown");
    const lane = reduceOpenMeowUIState(
      reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey: LANE }), openMeowRunStartedEvent(run)),
      deadline,
    );
    expect(lane.composer.waitDeadlineExpired).toBe(true);
  });
});
