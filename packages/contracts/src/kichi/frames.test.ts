import { describe, expect, it } from "vitest";
import { KichiMateDailyScheduleSchema, mateScheduleAt } from "./common.js";
import { KichiForwarderConfigSchema, KichiStateFileSchema } from "./files.js";
import { KichiAckFailureFrameSchema, KichiClientFrameSchema, KichiServerFrameSchema } from "./frames.js";

const auth = { avatarId: "a", authKey: "k" };

describe("kichi frames", () => {
  it("accepts every client frame type and rejects unknown or incomplete ones", () => {
    const frames = [
      { type: "join", avatarId: "a", botName: "A", bio: "b", tags: [], source: "openclaw" },
      { type: "rejoin", ...auth },
      { type: "leave", ...auth },
      { type: "status", ...auth, poseType: "", action: "", bubble: "", log: "", playback: { mode: "loop" } },
      { type: "message_received", ...auth, bubble: "hi" },
      { type: "clock", ...auth, action: "stop" },
      { type: "clock", ...auth, action: "set", clock: { mode: "countUp", elapsedSeconds: 0, running: true } },
      { type: "query_status", requestId: "q", ...auth },
      { type: "create_notes_board_note", ...auth, propId: "p", data: "x" },
      { type: "create_music_album", requestId: "m", ...auth, albumTitle: "t", musicTitles: ["Reverie"] },
      { type: "bot_message", requestId: "b", ...auth, toAvatarId: "*", depth: 0, bubble: "hi" },
    ];
    for (const frame of frames) expect(KichiClientFrameSchema.safeParse(frame).success, frame.type).toBe(true);
    expect(KichiClientFrameSchema.safeParse({ type: "teleport", ...auth }).success).toBe(false);
    expect(KichiClientFrameSchema.safeParse({ type: "clock", ...auth, action: "set" }).success).toBe(false);
    expect(KichiClientFrameSchema.safeParse({ type: "create_notes_board_note", ...auth, propId: "p", data: "x".repeat(201) }).success).toBe(
      false,
    );
    expect(
      KichiClientFrameSchema.safeParse({ type: "bot_message", requestId: "b", ...auth, toAvatarId: "*", depth: -1, bubble: "hi" }).success,
    ).toBe(false);
  });

  it("item 2: refuses a prototype key in every id field of every client frame type", () => {
    const ids = { requestId: "r", ...auth };
    const plan = {
      heartbeatIntervalSeconds: 60,
      goal: "g",
      stages: [
        {
          name: "n",
          purpose: "p",
          pomodoroPhase: "focus",
          durationSeconds: 60,
          actions: [{ poseType: "sit", action: "Read", durationSeconds: 60, bubble: "b", propId: "desk-chair-1" }],
        },
      ],
    };
    // Each frame with the paths of its id fields.
    const cases: Array<[Record<string, unknown>, string[][]]> = [
      [{ type: "join", requestId: "r", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" }, [["requestId"], ["avatarId"]]],
      [{ type: "rejoin", ...ids }, [["requestId"], ["avatarId"]]],
      [{ type: "leave", ...ids }, [["requestId"], ["avatarId"]]],
      [
        { type: "status", ...ids, poseType: "sit", action: "", bubble: "", log: "", playback: { mode: "loop" }, propId: "p" },
        [["requestId"], ["avatarId"], ["propId"]],
      ],
      [{ type: "before_send_message", ...auth, bubble: "hi" }, [["avatarId"]]],
      [{ type: "kichi_idle_plan", ...ids, ...plan }, [["requestId"], ["avatarId"], ["stages", "0", "actions", "0", "propId"]]],
      [{ type: "clock", ...ids, action: "stop" }, [["requestId"], ["avatarId"]]],
      [{ type: "query_status", ...ids }, [["requestId"], ["avatarId"]]],
      [{ type: "create_notes_board_note", ...ids, propId: "p", data: "x" }, [["requestId"], ["avatarId"], ["propId"]]],
      [{ type: "create_music_album", ...ids, albumTitle: "t", musicTitles: ["m"] }, [["requestId"], ["avatarId"]]],
      [{ type: "bot_message", ...ids, toAvatarId: "b", depth: 0, bubble: "hi" }, [["requestId"], ["avatarId"], ["toAvatarId"]]],
    ];
    for (const [frame, paths] of cases) {
      expect(KichiClientFrameSchema.safeParse(frame).success, String(frame.type)).toBe(true);
      for (const path of paths) {
        for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
          const mutated = structuredClone(frame);
          let target: any = mutated;
          for (const step of path.slice(0, -1)) target = target[step];
          Object.defineProperty(target, path.at(-1) as string, { value: key, enumerable: true, writable: true, configurable: true });
          expect(KichiClientFrameSchema.safeParse(mutated).success, `${frame.type} ${path.join(".")}=${key}`).toBe(false);
        }
      }
    }
    expect(KichiClientFrameSchema.safeParse({ type: "join", avatarId: "a b", botName: "A", bio: "b", tags: [], source: "s" }).success).toBe(
      false,
    );
  });

  it("parses server frames and keeps unknown query fields", () => {
    const result = KichiServerFrameSchema.parse({
      type: "query_status_result",
      requestId: "q",
      dailyLimit: 3,
      remaining: 1,
      notes: [],
      environmentWeather: { condition: "rain" },
    });
    expect(result).toMatchObject({ type: "query_status_result", environmentWeather: { condition: "rain" } });
    expect(KichiServerFrameSchema.parse({ type: "rejoin_failed" }).type).toBe("rejoin_failed");
    expect(KichiServerFrameSchema.safeParse({ type: "status_ack" }).success).toBe(false);
  });

  it("defaults llmRuntimeEnabled and rejects unknown config keys", () => {
    expect(KichiStateFileSchema.parse({})).toEqual({ llmRuntimeEnabled: true });
    expect(KichiForwarderConfigSchema.safeParse({ environment: "test", testHost: "127.0.0.1:1" }).success).toBe(true);
    expect(KichiForwarderConfigSchema.safeParse({ host: "x" }).success).toBe(false);
  });
});

describe("kichi frames: upstream beta.14-37", () => {
  const schedule = {
    date: "2026-11-21",
    timezone: "Asia/Tokyo",
    activeArcs: [],
    slots: [
      { h: 0, place: { type: "home" }, act: "sleep", mood: "calm", sleep: true },
      { h: 9, place: { type: "kichi_room" }, act: "work", mood: "busy", sleep: false },
      { h: 20, place: { type: "real_world", name: "Gym" }, act: "lift", mood: "fired up", sleep: false },
    ],
  };

  it("b14/b19/b30: glance, schedule sync and avatarStatus frames parse; beta.13 frames without the new fields still do", () => {
    expect(
      KichiClientFrameSchema.safeParse({ type: "kichi_glance", requestId: "g", ...auth, target: "camera", duration: 1.8 }).success,
    ).toBe(true);
    expect(KichiClientFrameSchema.safeParse({ type: "kichi_glance", requestId: "g", ...auth, target: "door", duration: 1 }).success).toBe(
      false,
    );
    expect(KichiClientFrameSchema.safeParse({ type: "kichi_sync_mate_daily_schedule", ...auth, schedule }).success).toBe(true);
    const repeated = { ...schedule, slots: [...schedule.slots, schedule.slots[0]] };
    expect(KichiClientFrameSchema.safeParse({ type: "kichi_sync_mate_daily_schedule", ...auth, schedule: repeated }).success).toBe(false);
    const badZone = { ...schedule, timezone: "Mars/Olympus" };
    expect(KichiClientFrameSchema.safeParse({ type: "kichi_sync_mate_daily_schedule", ...auth, schedule: badZone }).success).toBe(false);
    const status = { type: "status", ...auth, poseType: "sit", action: "a", bubble: "b", log: "", playback: { mode: "loop" } };
    expect(KichiClientFrameSchema.safeParse({ ...status, avatarStatus: "Break" }).success).toBe(true);
    expect(KichiClientFrameSchema.safeParse({ ...status, avatarStatus: "Sleeping" }).success).toBe(false);
    expect(KichiClientFrameSchema.safeParse(status).success).toBe(true);
  });

  it("reads a refusal in any ack as the failure shape", () => {
    const refused = KichiServerFrameSchema.parse({
      type: "status_ack",
      requestId: "s",
      success: false,
      errorCode: "auth_error",
      errorMessage: "no",
    });
    expect(KichiAckFailureFrameSchema.safeParse(refused).success).toBe(true);
    expect(KichiAckFailureFrameSchema.safeParse({ type: "status_ack", requestId: "s", poseType: "sit", action: "a" }).success).toBe(false);
  });

  it("b30: mateScheduleAt finds the slot of the schedule's local hour, and refuses another day", () => {
    // 2026-11-21T12:30Z is 21:30 in Tokyo.
    const at = mateScheduleAt(KichiMateDailyScheduleSchema.parse(schedule), new Date("2026-11-21T12:30:00Z"));
    expect(at).toMatchObject({ ok: true, hour: 21, current: { place: { type: "real_world", name: "Gym" } }, upcoming: [] });
    const morning = mateScheduleAt(KichiMateDailyScheduleSchema.parse(schedule), new Date("2026-11-21T01:00:00Z"));
    expect(morning).toMatchObject({ ok: true, hour: 10, current: { act: "work" }, upcoming: [{ h: 20 }] });
    expect(mateScheduleAt(KichiMateDailyScheduleSchema.parse(schedule), new Date("2026-11-21T20:00:00Z"))).toEqual({
      ok: false,
      error: "the schedule is for 2026-11-21, but today in Asia/Tokyo is 2026-11-22",
    });
  });
});
