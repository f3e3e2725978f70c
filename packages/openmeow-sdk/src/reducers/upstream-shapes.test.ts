import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reduceOpenMeowCancelResult } from "./cancel-result.js";
import { mapOpenClawEventToOpenMeowUIEvent } from "./map-event.js";
import { initialOpenMeowRunState, markOpenMeowRunCancelling, reduceOpenMeowRunState } from "./run-state.js";
import type { OpenMeowEventLike, OpenMeowLaneUIState } from "./types.js";
import { initialOpenMeowUIState, reduceOpenMeowUIState } from "./ui-state.js";

// The public OpenMeow SDK (OpenCoven/open-meow-sdk) is the API we are a superset of. These tests state
// its expectations in our own words and data; `pnpm openmeow:upstream-suite` runs its own test file.

const KEY = "agent:main:dashboard:lane-2";
const IDLE = { mode: "idle", activeRun: null, canSend: true, canStop: false, waitDeadlineExpired: false } as const;

function events(name: string): OpenMeowEventLike[] {
  const text = readFileSync(join(import.meta.dirname, "../../fixtures/sdk-events", `${name}.jsonl`), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as OpenMeowEventLike);
}

function fold(list: OpenMeowEventLike[], start: OpenMeowLaneUIState = initialOpenMeowUIState()): OpenMeowLaneUIState {
  return list.reduce((lane, event) => reduceOpenMeowUIState(lane, event), start);
}

/** The part of the lane upstream has too: our additions set aside. */
function upstreamPart(lane: OpenMeowLaneUIState) {
  const { revision: _r, rowIndex: _i, approvalDecisions: _d, ...rest } = lane;
  return rest;
}

describe("our upstream-shaped fixtures fold to the final lane upstream's reducer reaches", () => {
  it("streamed reply: the final message replaces the streamed draft", () => {
    expect(upstreamPart(fold(events("streamed-reply")))).toEqual({
      composer: { ...IDLE, lastTerminalStatus: "completed" },
      messages: [
        {
          id: "assistant:run-reply:0",
          role: "assistant",
          runId: "run-reply",
          text: "The build is green, all 42 checks passed.",
          streaming: false,
        },
      ],
      assistantDrafts: {},
      toolActivities: [],
      approvals: [],
      debugEvents: [],
    });
  });

  it("tool with approval: one tool row keyed by run and tool name, its summary as detail, its streamed text as preview", () => {
    const lane = fold(events("tool-with-approval"));
    expect(upstreamPart(lane)).toEqual({
      composer: { ...IDLE, lastTerminalStatus: "completed" },
      messages: [{ id: "assistant:run-deploy:0", role: "assistant", runId: "run-deploy", text: "Preview deployed.", streaming: false }],
      assistantDrafts: {},
      toolActivities: [
        {
          id: "run-deploy:tool:shell",
          runId: "run-deploy",
          title: "shell",
          phase: "completed",
          detail: "Deploy the preview site",
          preview: "uploading 12 files, done",
        },
      ],
      approvals: [{ id: "ap-deploy", runId: "run-deploy", title: "Run ./deploy.sh preview", status: "resolved" }],
      debugEvents: [],
    });
    expect(lane.approvalDecisions.get("ap-deploy")).toBe("approve_once");
  });

  it("stopped run: what streamed before the cancel stays as the message", () => {
    expect(upstreamPart(fold(events("stopped-run")))).toEqual({
      composer: { ...IDLE, lastTerminalStatus: "cancelled" },
      messages: [
        { id: "assistant:run-stop:0", role: "assistant", runId: "run-stop", text: "Reading every file in the repo...", streaming: false },
      ],
      assistantDrafts: {},
      toolActivities: [],
      approvals: [],
      debugEvents: [],
    });
  });

  it("runtime timeout: the composer settles as timed_out and the unfinished tool row keeps its phase", () => {
    expect(upstreamPart(fold(events("runtime-timeout")))).toEqual({
      composer: { ...IDLE, lastTerminalStatus: "timed_out" },
      messages: [],
      assistantDrafts: {},
      toolActivities: [
        { id: "run-slow:tool:shell", runId: "run-slow", title: "shell", phase: "started", detail: "Wait for the flaky service" },
      ],
      approvals: [],
      debugEvents: [],
    });
  });
});

describe("upstream's expectations", () => {
  it("maps a tool call's input as sent (objects stay objects) and an approval's command as its title", () => {
    expect(
      mapOpenClawEventToOpenMeowUIEvent({ type: "tool.call.started", runId: "r9", data: { name: "shell", input: { cmd: "ls -la" } } }),
    ).toEqual({ kind: "tool_activity", phase: "started", runId: "r9", title: "shell", detail: { cmd: "ls -la" } });
    expect(
      mapOpenClawEventToOpenMeowUIEvent({ type: "approval.requested", runId: "r9", data: { id: "ap", commandText: "make clean" } }),
    ).toEqual({
      kind: "approval_card",
      phase: "requested",
      runId: "r9",
      approvalId: "ap",
      title: "make clean",
    });
    expect(mapOpenClawEventToOpenMeowUIEvent({ type: "run.timed_out", runId: "r9" })).toEqual({
      kind: "run_terminal",
      runId: "r9",
      status: "timed_out",
    });
  });

  it("a tool delta adds to the preview and never replaces the input kept in detail", () => {
    const lane = fold([
      { type: "run.started", runId: "r9", sessionKey: KEY },
      { type: "assistant.delta", runId: "r9", data: { delta: "part one, " } },
      { type: "tool.call.started", runId: "r9", data: { id: "call-9", name: "shell", input: { cmd: "make" } } },
      { type: "tool.call.delta", runId: "r9", data: { id: "call-9", delta: "compiling" } },
      { type: "tool.call.delta", runId: "r9", data: { id: "call-9", text: "; linking" } },
      { type: "tool.call.completed", runId: "r9", data: { id: "call-9" } },
      { type: "assistant.delta", runId: "r9", data: { delta: "part two" } },
      { type: "run.completed", runId: "r9" },
    ]);
    expect(lane.toolActivities).toEqual([
      { id: "call-9", runId: "r9", title: "shell", phase: "completed", detail: { cmd: "make" }, preview: "compiling; linking" },
    ]);
    expect(lane.messages).toEqual([{ id: "assistant:r9:0", role: "assistant", runId: "r9", text: "part one, part two", streaming: false }]);
    expect(lane.assistantDrafts).toEqual({});
  });

  it("an approval row carries id, run, title and status only; the decision is kept beside it", () => {
    const lane = fold([
      { type: "approval.requested", runId: "r9", data: { approvalId: "ap", commandText: "make clean" } },
      { type: "approval.resolved", runId: "r9", data: { approvalId: "ap", decision: "deny" } },
    ]);
    expect(lane.approvals).toEqual([{ id: "ap", runId: "r9", title: "make clean", status: "resolved" }]);
    expect(lane.approvalDecisions.get("ap")).toBe("deny");
  });

  it("takes the lane's session key as an option, and every reducer starts from nothing when given no state", () => {
    expect(initialOpenMeowUIState({ sessionKey: KEY }).sessionKey).toBe(KEY);
    expect(initialOpenMeowUIState().sessionKey).toBeUndefined();
    expect(reduceOpenMeowRunState(undefined, { type: "run.completed", runId: "r9" })).toEqual({ ...IDLE, lastTerminalStatus: "completed" });
    expect(markOpenMeowRunCancelling(undefined)).toEqual(initialOpenMeowRunState());
    expect(reduceOpenMeowUIState(undefined, { type: "mystery", runId: "r9" }).debugEvents).toEqual([
      { kind: "debug_event", type: "mystery", runId: "r9", raw: { type: "mystery", runId: "r9" } },
    ]);
  });

  it("finds the session key of run.started in its payload's sessionKey or key", () => {
    expect(reduceOpenMeowRunState(undefined, { type: "run.started", data: { runId: "r3", key: KEY } }).activeRun).toEqual({
      runId: "r3",
      sessionKey: KEY,
    });
  });

  it("a new run clears the previous run's terminal status", () => {
    const done = reduceOpenMeowRunState(undefined, { type: "run.cancelled", runId: "r1" });
    expect(reduceOpenMeowRunState(done, { type: "run.started", runId: "r2", sessionKey: KEY })).toEqual({
      mode: "streaming",
      activeRun: { runId: "r2", sessionKey: KEY },
      canSend: false,
      canStop: true,
      lastTerminalStatus: null,
      waitDeadlineExpired: false,
    });
  });

  it("cancel takes and returns the lane: a confirmed abort settles it, a refused one keeps the run stoppable", () => {
    const running = reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey: KEY }), {
      type: "run.started",
      runId: "r9",
      sessionKey: KEY,
    });
    const cancelling = { ...running, composer: markOpenMeowRunCancelling(running.composer) };
    const run = { runId: "r9", sessionKey: KEY };
    const stopped = reduceOpenMeowCancelResult(cancelling, run, { ok: true, abortedRunId: "r9", status: "aborted" });
    expect(stopped.composer).toEqual({ ...IDLE, lastTerminalStatus: "cancelled" });
    expect(stopped.messages).toBe(cancelling.messages);
    const refused = reduceOpenMeowCancelResult(cancelling, run, { ok: false, abortedRunId: "r9", status: "aborted", error: "busy" });
    expect(refused.composer).toEqual({
      mode: "streaming",
      activeRun: run,
      canSend: false,
      canStop: true,
      lastTerminalStatus: null,
      waitDeadlineExpired: false,
    });
    expect(reduceOpenMeowCancelResult(cancelling, undefined, { ok: true, aborted: true }).composer.lastTerminalStatus).toBe("cancelled");
  });

  it("text without a run id is filed under the run `unknown`", () => {
    const lane = fold([
      { type: "assistant.delta", data: { delta: "orphan" } },
      { type: "assistant.message", data: { text: "" } },
    ]);
    expect(lane.messages).toEqual([{ id: "assistant:unknown:0", role: "assistant", runId: "unknown", text: "orphan", streaming: false }]);
  });
});

describe("run ids that name Object.prototype members", () => {
  const ids = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

  it("stream and settle like any other run, without touching Object.prototype", () => {
    let lane = initialOpenMeowUIState({ sessionKey: KEY });
    for (const runId of ids) {
      lane = fold(
        [
          { type: "assistant.delta", runId, data: { delta: `${runId} says ` } },
          { type: "assistant.delta", runId, data: { delta: "hi" } },
        ],
        lane,
      );
    }
    expect(Object.keys(lane.assistantDrafts)).toEqual(ids);
    for (const runId of ids) expect(Object.getOwnPropertyDescriptor(lane.assistantDrafts, runId)?.value).toBe(`${runId} says hi`);
    expect(Object.getPrototypeOf(lane.assistantDrafts)).toBe(Object.prototype);
    lane = fold(
      ids.map((runId) => ({ type: "run.completed", runId })),
      lane,
    );
    expect(lane.messages.map((m) => [m.runId, m.text])).toEqual(ids.map((runId) => [runId, `${runId} says hi`]));
    expect(lane.assistantDrafts).toEqual({});
    expect(({} as Record<string, unknown>).hi).toBeUndefined();
    expect(typeof Object.prototype.toString).toBe("function");
  });

  it("a final message for a run whose draft was never written is not fed by Object.prototype", () => {
    const lane = fold([
      { type: "assistant.message", runId: "constructor", data: {} },
      { type: "run.completed", runId: "toString" },
    ]);
    expect(lane.messages).toEqual([]);
  });

  it("serve as tool and approval ids", () => {
    const lane = fold([
      { type: "tool.call.started", runId: "__proto__", data: { id: "constructor", name: "shell" } },
      { type: "tool.call.delta", runId: "__proto__", data: { id: "constructor", delta: "ok" } },
      { type: "approval.requested", runId: "__proto__", data: { approvalId: "__proto__", commandText: "x" } },
      { type: "approval.resolved", runId: "__proto__", data: { approvalId: "__proto__", decision: "deny" } },
    ]);
    expect(lane.toolActivities).toEqual([
      { id: "constructor", runId: "__proto__", title: "shell", phase: "delta", detail: "ok", preview: "ok" },
    ]);
    expect(lane.approvals).toEqual([{ id: "__proto__", runId: "__proto__", title: "x", status: "resolved" }]);
    expect(lane.approvalDecisions.get("__proto__")).toBe("deny");
  });
});
