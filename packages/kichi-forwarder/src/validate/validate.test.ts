import type { KichiIdlePlanParams } from "@clawbridge/contracts";
import { KichiIdlePlanParamsSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { resolveAction } from "./action.js";
import { normalizeBotMessage } from "./bot-message.js";
import { normalizeClock, normalizeClockCommand } from "./clock.js";
import { normalizeIdlePlan } from "./idle-plan.js";
import { normalizeTags } from "./join.js";
import { normalizeMusicTitles } from "./music.js";
import { normalizeNote } from "./note.js";

describe("resolveAction", () => {
  it("canonicalises a known action", () => {
    expect(resolveAction("sit", "thinking")).toEqual({
      ok: true,
      value: { poseType: "sit", name: "Thinking", playback: { mode: "loop" } },
    });
  });
  it("rejects an unknown pose", () => {
    expect(resolveAction("hover", "Float")).toEqual({ ok: false, error: "poseType must be one of: stand, sit, lay, floor" });
  });
  it("rejects an empty action", () => {
    expect(resolveAction("sit", " ")).toEqual({ ok: false, error: "poseType and action parameters are required" });
  });
  it("lists what is available on a miss", () => {
    const miss = resolveAction("lay", "Float");
    expect(miss.ok).toBe(false);
    if (miss.ok) return;
    expect(miss.error).toBe('Unknown action "Float" for poseType "lay"');
    expect(miss.details?.available).toHaveLength(13);
  });
});

const plan = (over: Partial<KichiIdlePlanParams> = {}): KichiIdlePlanParams => ({
  heartbeatIntervalSeconds: 60,
  goal: " Read the spec ",
  stages: [
    {
      name: " Read ",
      purpose: "Focus",
      pomodoroPhase: "focus",
      avatarStatus: "Activities",
      durationSeconds: 60,
      actions: [
        { poseType: "sit", action: "reading", durationSeconds: 40, bubble: " Reading ", log: " I read ", propId: " sofa-1 " },
        { poseType: "sit", action: "drink", durationSeconds: 20, bubble: "Sip", log: " tea " },
      ],
    },
  ],
  ...over,
});

describe("normalizeIdlePlan", () => {
  it("b19/b24: the agent's plan needs each stage's avatarStatus and each action's log", () => {
    const noLog = structuredClone(plan()) as any;
    delete noLog.stages[0].actions[0].log;
    expect(KichiIdlePlanParamsSchema.safeParse(noLog).success).toBe(false);
    const blankLog = structuredClone(plan()) as any;
    blankLog.stages[0].actions[0].log = "  ";
    expect(KichiIdlePlanParamsSchema.safeParse(blankLog).error?.issues[0]?.message).toBe("log is required");
    const noStatus = structuredClone(plan()) as any;
    delete noStatus.stages[0].avatarStatus;
    expect(KichiIdlePlanParamsSchema.safeParse(noStatus).success).toBe(false);
    expect(KichiIdlePlanParamsSchema.safeParse({ ...plan(), stages: [{ ...plan().stages[0], avatarStatus: "Sleeping" }] }).success).toBe(
      false,
    );
    expect(KichiIdlePlanParamsSchema.safeParse(plan()).success).toBe(true);
  });

  it("trims, canonicalises and totals a valid plan", () => {
    const result = normalizeIdlePlan({ ...plan(), requestId: "r1" });
    expect(result).toEqual({
      ok: true,
      value: {
        requestId: "r1",
        totalDurationSeconds: 60,
        plan: {
          heartbeatIntervalSeconds: 60,
          goal: "Read the spec",
          stages: [
            {
              name: "Read",
              purpose: "Focus",
              pomodoroPhase: "focus",
              avatarStatus: "Activities",
              durationSeconds: 60,
              actions: [
                { poseType: "sit", action: "Reading", durationSeconds: 40, bubble: "Reading", log: "I read", propId: "sofa-1" },
                { poseType: "sit", action: "Drink", durationSeconds: 20, bubble: "Sip", log: "tea" },
              ],
            },
          ],
        },
      },
    });
  });

  it("rejects once actions longer than 30 seconds", () => {
    const p = plan();
    p.stages[0]!.actions = [
      { poseType: "sit", action: "Reading", durationSeconds: 25, bubble: "x", log: "l" },
      { poseType: "sit", action: "Drink", durationSeconds: 35, bubble: "y", log: "l" },
    ];
    expect(normalizeIdlePlan(p)).toEqual({
      ok: false,
      error: 'stages[0].actions[1]: once actions must stay at 30 seconds or less ("Drink" is 35)',
    });
  });

  it("requires the actions to fill their stage exactly", () => {
    const p = plan();
    p.stages[0]!.actions[0]!.durationSeconds = 30;
    expect(normalizeIdlePlan(p)).toEqual({ ok: false, error: "stages[0]: action durations must equal stage duration exactly (50 !== 60)" });
  });

  it("requires the stages to fill the heartbeat interval exactly", () => {
    expect(normalizeIdlePlan(plan({ heartbeatIntervalSeconds: 90 }))).toEqual({
      ok: false,
      error: "idle plan total duration must equal heartbeatIntervalSeconds exactly (60 !== 90)",
    });
  });

  it("rejects unknown actions with the available list, and blank texts", () => {
    const p = plan();
    p.stages[0]!.actions[0]!.action = "Moonwalk";
    const result = normalizeIdlePlan(p);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBe('stages[0].actions[0]: Unknown action "Moonwalk" for poseType "sit"');
      expect(result.details?.available).toContain("Reading");
    }
    expect(normalizeIdlePlan(plan({ goal: "  " }))).toEqual({ ok: false, error: "goal must be a non-empty string" });
    const blankName = plan();
    blankName.stages[0]!.name = " ";
    expect(normalizeIdlePlan(blankName)).toEqual({ ok: false, error: "stages[0].name must be a non-empty string" });
    const blankPurpose = plan();
    blankPurpose.stages[0]!.purpose = " ";
    expect(normalizeIdlePlan(blankPurpose)).toEqual({ ok: false, error: "stages[0].purpose must be a non-empty string" });
    const blankBubble = plan();
    blankBubble.stages[0]!.actions[0]!.bubble = " ";
    expect(normalizeIdlePlan(blankBubble)).toEqual({ ok: false, error: "stages[0].actions[0].bubble must be a non-empty string" });
  });
});

describe("clock", () => {
  it("fills pomodoro defaults from kichiSeconds", () => {
    expect(
      normalizeClock({ mode: "pomodoro", kichiSeconds: 1500, shortBreakSeconds: 300, longBreakSeconds: 900, sessionCount: 4 }),
    ).toEqual({
      ok: true,
      value: {
        mode: "pomodoro",
        kichiSeconds: 1500,
        shortBreakSeconds: 300,
        longBreakSeconds: 900,
        sessionCount: 4,
        currentSession: 1,
        phase: "focus",
        remainingSeconds: 1500,
        running: true,
      },
    });
  });
  it("uses the current phase's length for remainingSeconds", () => {
    const clock = normalizeClock({
      mode: "pomodoro",
      kichiSeconds: 1500,
      shortBreakSeconds: 300,
      longBreakSeconds: 900,
      sessionCount: 4,
      phase: "longBreak",
      running: false,
    });
    expect(clock.ok && clock.value).toMatchObject({ remainingSeconds: 900, running: false });
  });
  it("rejects a session beyond sessionCount and a remaining time beyond the phase", () => {
    const base = { mode: "pomodoro" as const, kichiSeconds: 60, shortBreakSeconds: 30, longBreakSeconds: 90, sessionCount: 2 };
    expect(normalizeClock({ ...base, currentSession: 3 })).toEqual({
      ok: false,
      error: "clock.currentSession must be <= clock.sessionCount (3 > 2)",
    });
    expect(normalizeClock({ ...base, phase: "shortBreak", remainingSeconds: 31 })).toEqual({
      ok: false,
      error: "clock.remainingSeconds must be <= the shortBreak length (31 > 30)",
    });
  });
  it("fills countDown and countUp defaults", () => {
    expect(normalizeClock({ mode: "countDown", durationSeconds: 600 })).toEqual({
      ok: true,
      value: { mode: "countDown", durationSeconds: 600, remainingSeconds: 600, running: true },
    });
    expect(normalizeClock({ mode: "countDown", durationSeconds: 10, remainingSeconds: 11 })).toEqual({
      ok: false,
      error: "clock.remainingSeconds must be <= clock.durationSeconds (11 > 10)",
    });
    expect(normalizeClock({ mode: "countUp" })).toEqual({ ok: true, value: { mode: "countUp", elapsedSeconds: 0, running: true } });
  });
  it("requires a clock for set and none for stop", () => {
    expect(normalizeClockCommand({ action: "set" })).toEqual({ ok: false, error: 'clock is required when action is "set"' });
    expect(normalizeClockCommand({ action: "stop", clock: { mode: "countUp" } })).toEqual({
      ok: false,
      error: 'clock must be omitted when action is "stop"',
    });
    expect(normalizeClockCommand({ action: "stop" })).toEqual({ ok: true, value: { action: "stop" } });
  });
});

describe("notes, music, tags, bot messages", () => {
  it("limits notes to 200 characters after trimming", () => {
    expect(normalizeNote(" board ", ` ${"a".repeat(200)} `)).toEqual({ ok: true, value: { propId: "board", data: "a".repeat(200) } });
    expect(normalizeNote("board", "a".repeat(201))).toEqual({ ok: false, error: "data must be 200 characters or fewer (got 201)" });
    expect(normalizeNote("board", "  ")).toEqual({ ok: false, error: "data is required" });
    expect(normalizeNote(" ", "hi")).toEqual({ ok: false, error: "propId is required" });
    expect(normalizeNote("board", "🙂".repeat(200)).ok).toBe(true);
  });

  it("canonicalises and de-duplicates music titles, rejecting unknown ones with examples", () => {
    expect(normalizeMusicTitles(["reverie", "REVERIE", " Memory "])).toEqual({ ok: true, value: ["Reverie", "Memory"] });
    const bad = normalizeMusicTitles(["Reverie", "Thriller", "Bad"]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toBe('Unknown music titles: "Thriller", "Bad". Use titles from the Kichi music catalog.');
      expect(bad.details?.examples).toHaveLength(10);
      expect(bad.details?.unknownTitles).toEqual(["Thriller", "Bad"]);
    }
    expect(normalizeMusicTitles([])).toEqual({ ok: false, error: "musicTitles must be an array of track names" });
  });

  it("trims and de-duplicates tags case-insensitively", () => {
    expect(normalizeTags([" Music", "music", "", "Code "])).toEqual({ ok: true, value: ["Music", "Code"] });
    expect(normalizeTags(undefined)).toEqual({ ok: true, value: [] });
    expect(normalizeTags(["x".repeat(41)]).ok).toBe(false);
  });

  it("validates bot messages and derives playback from the action", () => {
    expect(normalizeBotMessage({ toAvatarId: " * ", depth: 0, bubble: " hi all " })).toEqual({
      ok: true,
      value: { toAvatarId: "*", depth: 0, bubble: "hi all" },
    });
    expect(
      normalizeBotMessage({ toAvatarId: "b", depth: 2, bubble: "yo", poseType: "stand", action: "high five", log: " greet " }),
    ).toEqual({
      ok: true,
      value: {
        toAvatarId: "b",
        depth: 2,
        bubble: "yo",
        poseType: "stand",
        action: "High Five",
        playback: { mode: "once", resumeAction: "Idle Backup Hands" },
        log: "greet",
      },
    });
    expect(normalizeBotMessage({ toAvatarId: " ", depth: 0, bubble: "x" })).toEqual({ ok: false, error: "toAvatarId is required" });
    expect(normalizeBotMessage({ toAvatarId: "b", depth: -1, bubble: "x" })).toEqual({
      ok: false,
      error: "depth must be a non-negative number",
    });
    expect(normalizeBotMessage({ toAvatarId: "b", depth: 0, bubble: " " })).toEqual({ ok: false, error: "bubble is required" });
    expect(normalizeBotMessage({ toAvatarId: "b", depth: 0, bubble: "x", action: "Wait" })).toEqual({
      ok: false,
      error: "poseType is required when action is given",
    });
    expect(normalizeBotMessage({ toAvatarId: "b", depth: 0, bubble: "x", poseType: "lay", action: "Wait" }).ok).toBe(false);
  });
});
