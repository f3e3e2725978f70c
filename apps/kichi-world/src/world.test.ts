import type { KichiClientFrame } from "@clawbridge/contracts";
import * as pluginHost from "@clawbridge/plugin-host";
import { describe, expect, it, vi } from "vitest";
import { type Delivery, KichiWorld, NOTES_DAILY_LIMIT, type WorldOptions } from "./world.js";

// Spied on (and still real) so a test can see the auth key check go through the constant-time compare.
vi.mock("@clawbridge/plugin-host", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@clawbridge/plugin-host")>();
  return { ...actual, secretEquals: vi.fn(actual.secretEquals) };
});

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

function setup(options: Omit<WorldOptions, "now" | "newAuthKey"> = {}) {
  let now = new Date("2026-11-21T10:00:00Z");
  let keys = 0;
  const world = new KichiWorld({ ...options, now: () => now, newAuthKey: () => `key-${++keys}` });
  const send = (connection: string, frame: Record<string, unknown>) => world.handle(connection, frame as KichiClientFrame);
  const first = (out: Delivery[]) => out[0]!.frame as any;
  const join = (connection: string, avatarId: string) =>
    first(
      send(connection, {
        type: "join",
        requestId: `j-${avatarId}`,
        avatarId,
        botName: avatarId.toUpperCase(),
        bio: "bio",
        tags: [],
        source: "test",
      }),
    );
  return {
    world,
    send,
    first,
    join,
    setNow: (d: string) => {
      now = new Date(d);
    },
  };
}

describe("KichiWorld", () => {
  it("issues an auth key on join and validates it on rejoin", () => {
    const { world, send, first, join } = setup();
    expect(join("c1", "ann")).toEqual({ type: "join_ack", requestId: "j-ann", success: true, authKey: "key-1", acks: true });
    expect(world.avatarOf("c1")).toBe("ann");
    world.disconnect("c1");
    expect(world.personnel()).toEqual([]);
    expect(first(send("c2", { type: "rejoin", avatarId: "ann", authKey: "key-1" }))).toEqual({
      type: "rejoin_ack",
      avatarId: "ann",
      acks: true,
    });
    expect(first(send("c3", { type: "rejoin", avatarId: "ann", authKey: "wrong" }))).toEqual({
      type: "rejoin_failed",
      reason: "auth key does not match",
    });
    expect(first(send("c3", { type: "query_status", requestId: "q", avatarId: "nobody", authKey: "k" }))).toEqual({
      type: "auth_error",
      requestId: "q",
      reason: "unknown avatar; join first",
    });
  });

  it("places sit and lay on props with occupancy, warning when the requested prop is taken", () => {
    const { world, send, first, join } = setup();
    join("c1", "ann");
    join("c2", "bob");
    const auth = (avatarId: string) => ({ avatarId, authKey: avatarId === "ann" ? "key-1" : "key-2" });
    const status = (avatarId: string, extra: Record<string, unknown>) =>
      first(
        send(avatarId === "ann" ? "c1" : "c2", {
          type: "status",
          requestId: `s-${avatarId}`,
          ...auth(avatarId),
          bubble: "",
          log: "",
          playback: { mode: "loop" },
          ...extra,
        }),
      );
    expect(status("ann", { poseType: "sit", action: "Writing", propId: "desk-chair-1" })).toEqual({
      type: "status_ack",
      requestId: "s-ann",
      poseType: "sit",
      action: "Writing",
      propId: "desk-chair-1",
      requestedPropId: "desk-chair-1",
    });
    expect(status("bob", { poseType: "sit", action: "Writing", propId: "desk-chair-1" })).toMatchObject({
      propId: "desk-chair-2",
      warning: 'prop "desk-chair-1" is fully occupied; used "desk-chair-2" instead',
    });
    expect(world.poseableProps().find((p) => p.PropId === "desk-chair-1")).toMatchObject({
      OccupancyState: "fully_occupied",
      OccupiedBy: ["ann"],
    });
    expect(status("bob", { poseType: "lay", action: "Lie Flat", propId: "desk-chair-2" })).toMatchObject({
      warning: 'prop "desk-chair-2" does not support pose lay; used "sofa-1" instead',
    });
    expect(world.poseableProps().find((p) => p.PropId === "sofa-1")?.OccupancyState).toBe("partially_occupied");
    expect(status("ann", { poseType: "stand", action: "Wait", propId: "nope" })).toMatchObject({
      poseType: "stand",
      warning: 'prop "nope" does not exist; the avatar stays where it is',
    });
    expect(status("ann", { poseType: "floor", action: "Seiza" })).not.toHaveProperty("warning");
  });

  it("adjusts the action when no prop is free", () => {
    const w = setup();
    for (let i = 0; i < 6; i += 1) {
      w.join(`c${i}`, `bot${i}`);
      const ack = w.first(
        w.send(`c${i}`, {
          type: "status",
          requestId: "s",
          avatarId: `bot${i}`,
          authKey: `key-${i + 1}`,
          poseType: "sit",
          action: "Writing",
          bubble: "",
          log: "",
          playback: { mode: "loop" },
        }),
      );
      if (i < 5) expect(ack.warning).toBeUndefined();
      else
        expect(ack).toMatchObject({
          poseType: "stand",
          action: "Idle Backup Hands",
          warning: "no free prop supports sit; the action was adjusted to stand/Idle Backup Hands",
        });
    }
  });

  it("keeps a daily note quota and one album a day, and reports both", () => {
    const { send, first, join, setNow } = setup();
    join("c1", "ann");
    const auth = { avatarId: "ann", authKey: "key-1" };
    for (let i = 0; i < NOTES_DAILY_LIMIT; i += 1) {
      expect(
        first(send("c1", { type: "create_notes_board_note", requestId: `n${i}`, ...auth, propId: "notes-board-1", data: `n${i}` })),
      ).toEqual({
        type: "create_notes_board_note_ack",
        requestId: `n${i}`,
        remaining: NOTES_DAILY_LIMIT - i - 1,
      });
    }
    expect(
      first(send("c1", { type: "create_notes_board_note", requestId: "n9", ...auth, propId: "notes-board-1", data: "x" })),
    ).toMatchObject({ type: "create_notes_board_note_ack", requestId: "n9", success: false, errorCode: "note_quota_exceeded" });
    expect(first(send("c1", { type: "create_music_album", requestId: "a1", ...auth, albumTitle: "A", musicTitles: ["Reverie"] }))).toEqual({
      type: "create_music_album_ack",
      requestId: "a1",
    });
    expect(
      first(send("c1", { type: "create_music_album", requestId: "a2", ...auth, albumTitle: "B", musicTitles: ["Reverie"] })),
    ).toMatchObject({ type: "create_music_album_ack", requestId: "a2", success: false, errorCode: "album_already_created" });
    let status = first(send("c1", { type: "query_status", requestId: "q", ...auth }));
    expect(status).toMatchObject({ dailyLimit: 3, remaining: 0, hasCreatedMusicAlbumToday: true });
    expect(status.notes).toHaveLength(3);
    setNow("2026-11-22T00:00:01Z");
    status = first(send("c1", { type: "query_status", requestId: "q", ...auth }));
    expect(status).toMatchObject({ remaining: 3, hasCreatedMusicAlbumToday: false });
  });

  it("stores idle plans and clocks and returns them in the query", () => {
    const { send, first, join } = setup();
    join("c1", "ann");
    const auth = { avatarId: "ann", authKey: "key-1" };
    const plan = {
      heartbeatIntervalSeconds: 60,
      goal: "g",
      stages: [
        {
          name: "s",
          purpose: "p",
          pomodoroPhase: "none",
          durationSeconds: 60,
          actions: [{ poseType: "sit", action: "Reading", durationSeconds: 60, bubble: "b" }],
        },
      ],
    };
    expect(first(send("c1", { type: "kichi_idle_plan", requestId: "p", ...auth, ...plan }))).toEqual({
      type: "kichi_idle_plan_ack",
      requestId: "p",
    });
    expect(
      first(
        send("c1", { type: "clock", requestId: "c", ...auth, action: "set", clock: { mode: "countUp", elapsedSeconds: 0, running: true } }),
      ),
    ).toEqual({ type: "clock_ack", requestId: "c", action: "set" });
    const status = first(send("c1", { type: "query_status", requestId: "q", ...auth }));
    expect(status.idlePlan).toMatchObject({ goal: "g", heartbeatIntervalSeconds: 60 });
    expect(status.timer).toMatchObject({ mode: "countUp" });
    expect(status.RoomContext.PoseableProps.length).toBeGreaterThan(0);
    send("c1", { type: "clock", ...auth, action: "stop" });
    expect(first(send("c1", { type: "query_status", requestId: "q", ...auth })).timer).toBeNull();
  });

  it("relays bot messages to the target or to everyone else, with an ack", () => {
    const { send, join } = setup();
    join("c1", "ann");
    join("c2", "bob");
    join("c3", "cat");
    const out = send("c1", {
      type: "bot_message",
      requestId: "b1",
      avatarId: "ann",
      authKey: "key-1",
      toAvatarId: "bob",
      depth: 0,
      bubble: "hi",
    });
    expect(out).toEqual([
      { to: { avatar: "bob" }, frame: { type: "bot_message_received", from: "ann", fromName: "ANN", depth: 0, bubble: "hi", history: [] } },
      { to: { connection: "c1" }, frame: { type: "bot_message_ack", requestId: "b1", toAvatarId: "bob", deliveredTo: ["bob"] } },
    ]);
    const all = send("c1", {
      type: "bot_message",
      requestId: "b2",
      avatarId: "ann",
      authKey: "key-1",
      toAvatarId: "*",
      depth: 0,
      bubble: "all",
    });
    expect(all.at(-1)!.frame).toMatchObject({ deliveredTo: ["bob", "cat"] });
    const missing = send("c1", {
      type: "bot_message",
      requestId: "b3",
      avatarId: "ann",
      authKey: "key-1",
      toAvatarId: "zed",
      depth: 0,
      bubble: "?",
    });
    expect(missing).toEqual([
      {
        to: { connection: "c1" },
        frame: {
          type: "bot_message_ack",
          requestId: "b3",
          success: false,
          errorCode: "target_not_in_room",
          errorMessage: 'Avatar "zed" is not in the room',
        },
      },
    ]);
  });

  it("leave invalidates the auth key", () => {
    const { send, first, join } = setup();
    join("c1", "ann");
    expect(first(send("c1", { type: "leave", requestId: "l", avatarId: "ann", authKey: "key-1" }))).toEqual({
      type: "leave_ack",
      requestId: "l",
      success: true,
    });
    expect(first(send("c1", { type: "rejoin", avatarId: "ann", authKey: "key-1" })).type).toBe("rejoin_failed");
  });

  it("item 7: join_ack and leave_ack wait for the identities write, with a refusal to send if it fails", () => {
    const { send, join } = setup();
    const joined = send("c1", { type: "join", requestId: "j", avatarId: "ann", botName: "A", bio: "b", tags: [], source: "s" });
    expect(joined).toEqual([
      {
        to: { connection: "c1" },
        frame: { type: "join_ack", requestId: "j", success: true, authKey: "key-1", acks: true },
        durable: {
          ifNotSaved: expect.objectContaining({ type: "join_ack", requestId: "j", success: false, errorCode: "identity_not_saved" }),
        },
      },
    ]);
    expect(joined[0]?.durable?.ifNotSaved).not.toHaveProperty("authKey");
    const left = send("c1", { type: "leave", requestId: "l", avatarId: "ann", authKey: "key-1" });
    expect(left[0]?.durable?.ifNotSaved).toMatchObject({
      type: "leave_ack",
      requestId: "l",
      success: false,
      errorCode: "identity_not_saved",
    });
    join("c2", "bob");
    const query = send("c2", { type: "query_status", requestId: "q", avatarId: "bob", authKey: "key-3" });
    expect(query[0]?.durable).toBeUndefined();
  });

  it("item 8: the auth key is checked with the constant-time secretEquals", () => {
    const { send, join } = setup();
    join("c1", "ann");
    const secretEquals = vi.mocked(pluginHost.secretEquals);
    secretEquals.mockClear();
    send("c2", { type: "rejoin", avatarId: "ann", authKey: "guess" });
    send("c2", { type: "query_status", requestId: "q", avatarId: "ann", authKey: "key-1" });
    expect(secretEquals.mock.calls).toEqual([
      ["guess", "key-1"],
      ["key-1", "key-1"],
    ]);
  });

  it("item 2: saved identities whose id is a prototype key are skipped, and Object.prototype stays clean", () => {
    const world = new KichiWorld();
    const entry = (avatarId: string) => ({
      avatarId,
      authKey: `k-${avatarId}`,
      botName: "B",
      bio: "",
      tags: [],
      joinedAt: "2026-01-01T00:00:00Z",
    });
    const skipped = world.loadIdentities({ version: 1, avatars: ["__proto__", "ann", "constructor", "toString", "a b"].map(entry) });
    expect(skipped).toEqual(["__proto__", "constructor", "toString", "a b"]);
    expect(world.identities().avatars.map((a) => a.avatarId)).toEqual(["ann"]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
    expect(({} as Record<string, unknown>).authKey).toBeUndefined();
  });

  it("refuses a join of a new avatar past maxIdentities, and still lets a known one join again", () => {
    let keys = 0;
    const world = new KichiWorld({ maxIdentities: 2, newAuthKey: () => `key-${++keys}` });
    const join = (avatarId: string) =>
      world.handle("c", { type: "join", requestId: avatarId, avatarId, botName: "B", bio: "b", tags: [], source: "s" })[0]!.frame;
    expect(join("a")).toMatchObject({ success: true });
    expect(join("b")).toMatchObject({ success: true });
    expect(join("c")).toMatchObject({ type: "join_ack", requestId: "c", success: false, errorCode: "too_many_avatars" });
    expect(join("a")).toMatchObject({ success: true, authKey: "key-3" });
    expect(world.identities().avatars).toHaveLength(2);
  });
});

describe("KichiWorld: upstream 0.1.2-beta.37 surface", () => {
  const auth = { avatarId: "ann", authKey: "key-1" };
  const schedule = (place: Record<string, unknown>) => ({
    date: "2026-11-21",
    timezone: "UTC",
    activeArcs: ["garden"],
    slots: [
      { h: 0, place: { type: "home" }, act: "sleep", mood: "calm", sleep: true },
      { h: 9, place, act: "work", mood: "busy", sleep: false },
      { h: 18, place: { type: "home" }, act: "cook", mood: "warm", sleep: false },
    ],
  });

  it("b14: kichi_glance is acknowledged with its target and shown on the avatar for its duration", () => {
    const { send, first, join, world } = setup();
    join("c1", "ann");
    expect(first(send("c1", { type: "kichi_glance", requestId: "g", ...auth, target: "camera", duration: 2 }))).toEqual({
      type: "kichi_glance_ack",
      requestId: "g",
      target: "camera",
    });
    expect(world.personnel()[0]).toMatchObject({ glance: { target: "camera", until: "2026-11-21T10:00:02.000Z" } });
  });

  it("b19: the avatarStatus of a status is stored and shown; a beta.13 status without one still passes", () => {
    const { send, join, world } = setup();
    join("c1", "ann");
    send("c1", {
      type: "status",
      ...auth,
      poseType: "stand",
      action: "Yay",
      bubble: "b",
      log: "",
      playback: { mode: "loop" },
      avatarStatus: "Break",
    });
    expect(world.personnel()[0]).toMatchObject({ action: "Yay", avatarStatus: "Break" });
    send("c1", { type: "status", ...auth, poseType: "stand", action: "Wave", bubble: "b", log: "", playback: { mode: "loop" } });
    expect(world.personnel()[0]).toMatchObject({ action: "Wave" });
    expect(world.personnel()[0]).not.toHaveProperty("avatarStatus");
  });

  it("b23/b30/b36/b37: the status result names the current user, the note gate, the scene and the environment", () => {
    const { send, first, join } = setup();
    join("c1", "ann");
    send("c1", { type: "create_notes_board_note", requestId: "n", ...auth, propId: "notes-board-1", data: "hello" });
    const status = first(send("c1", { type: "query_status", requestId: "q", ...auth }));
    expect(status).toMatchObject({
      isAvatarInScene: true,
      canCreateNoteboardNote: true,
      currentUserActivity: { poseType: "sit", action: "Typing with Keyboard" },
      environmentWeather: { condition: "clear" },
      environmentTime: { utc: "2026-11-21T10:00:00.000Z" },
    });
    expect(status.notes[0]).toMatchObject({ isCreatedByCurrentAgent: true, isFromCurrentUser: false });
    for (const old of ["ownerState", "weather", "time"]) expect(status).not.toHaveProperty(old);
    expect(status.notes[0]).not.toHaveProperty("isFromOwner");
  });

  it("b36: currentUserActivity is null while nobody is at the client", () => {
    const { send, first, join } = setup({ currentUserActivity: null });
    join("c1", "ann");
    expect(first(send("c1", { type: "query_status", requestId: "q", ...auth })).currentUserActivity).toBeNull();
  });

  it("b23: canCreateNoteboardNote turns false with the quota, and the author's repeat of a recent note is refused", () => {
    const { send, first, join, setNow } = setup();
    join("c1", "ann");
    const note = (requestId: string, data: string) =>
      first(send("c1", { type: "create_notes_board_note", requestId, ...auth, propId: "notes-board-1", data }));
    expect(note("n1", "Water the plants!")).toMatchObject({ type: "create_notes_board_note_ack", remaining: 2 });
    expect(note("n2", "  water THE plants ")).toEqual({
      type: "create_notes_board_note_ack",
      requestId: "n2",
      success: false,
      errorCode: "duplicate_note",
      errorMessage: "You pinned this same note on this board within the last day; write something new",
    });
    expect(note("n3", "Feed the cat")).toMatchObject({ remaining: 1 });
    expect(note("n4", "Buy bread")).toMatchObject({ remaining: 0 });
    expect(first(send("c1", { type: "query_status", requestId: "q", ...auth }))).toMatchObject({
      remaining: 0,
      canCreateNoteboardNote: false,
    });
    setNow("2026-11-22T10:00:01Z");
    expect(note("n5", "Water the plants")).toMatchObject({ type: "create_notes_board_note_ack", remaining: 2 });
  });

  it("b30: a synced schedule that puts the mate elsewhere this hour takes the avatar out of the scene", () => {
    const { send, first, join, setNow } = setup();
    join("c1", "ann");
    expect(
      first(send("c1", { type: "kichi_sync_mate_daily_schedule", requestId: "s", ...auth, schedule: schedule({ type: "kichi_room" }) })),
    ).toEqual({ type: "kichi_sync_mate_daily_schedule_ack", requestId: "s", date: "2026-11-21" });
    const inScene = () => first(send("c1", { type: "query_status", requestId: "q", ...auth })).isAvatarInScene;
    expect(inScene()).toBe(true);
    setNow("2026-11-21T19:00:00Z");
    expect(inScene()).toBe(false);
    // Upstream syncs without a request id and waits for nothing: no reply.
    expect(
      send("c1", { type: "kichi_sync_mate_daily_schedule", ...auth, schedule: schedule({ type: "real_world", name: "Park" }) }),
    ).toEqual([]);
    setNow("2026-11-21T10:00:00Z");
    expect(inScene()).toBe(false);
  });

  it("ack failure shape: a stale key on a leave is refused in leave_ack, on other requests in their ack, else auth_error", () => {
    const { send, first, join } = setup();
    join("c1", "ann");
    const stale = { avatarId: "ann", authKey: "old" };
    expect(first(send("c1", { type: "leave", ...stale }))).toEqual({
      type: "leave_ack",
      success: false,
      errorCode: "auth_error",
      errorMessage: "Not authorised: auth key does not match",
    });
    expect(first(send("c1", { type: "kichi_glance", requestId: "g", ...stale, target: "camera", duration: 1 }))).toMatchObject({
      type: "kichi_glance_ack",
      requestId: "g",
      success: false,
      errorCode: "auth_error",
    });
    expect(
      first(send("c1", { type: "status", ...stale, poseType: "", action: "", bubble: "", log: "", playback: { mode: "loop" } })),
    ).toEqual({
      type: "auth_error",
      reason: "auth key does not match",
    });
    expect(first(send("c1", { type: "query_status", requestId: "q", ...stale }))).toMatchObject({ type: "auth_error", requestId: "q" });
  });
});
