import { describe, expect, it } from "vitest";
import { KichiForwarderConfigSchema, KichiStateFileSchema } from "./files.js";
import { KichiClientFrameSchema, KichiServerFrameSchema } from "./frames.js";

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

  it("parses server frames and keeps unknown query fields", () => {
    const result = KichiServerFrameSchema.parse({
      type: "query_status_result",
      requestId: "q",
      dailyLimit: 3,
      remaining: 1,
      notes: [],
      weather: { condition: "rain" },
    });
    expect(result).toMatchObject({ type: "query_status_result", weather: { condition: "rain" } });
    expect(KichiServerFrameSchema.parse({ type: "rejoin_failed" }).type).toBe("rejoin_failed");
    expect(KichiServerFrameSchema.safeParse({ type: "status_ack" }).success).toBe(false);
  });

  it("defaults llmRuntimeEnabled and rejects unknown config keys", () => {
    expect(KichiStateFileSchema.parse({})).toEqual({ llmRuntimeEnabled: true });
    expect(KichiForwarderConfigSchema.safeParse({ environment: "test", testHost: "127.0.0.1:1" }).success).toBe(true);
    expect(KichiForwarderConfigSchema.safeParse({ host: "x" }).success).toBe(false);
  });
});
