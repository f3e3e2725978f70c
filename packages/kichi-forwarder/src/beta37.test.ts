import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KichiBotMessageHistoryFileSchema, KichiSmsStateFileSchema } from "@clawbridge/contracts";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";
import { pluginStateDir } from "@clawbridge/plugin-host";
import { LocalHost, scriptedAgent } from "@clawbridge/plugin-host/local-host";
import { afterEach, describe, expect, it } from "vitest";
import entry from "./index.js";
import { agentDir, KichiAgentStore } from "./runtime/store.js";

// The upstream 0.1.2-beta.14..37 behaviours, each through the plugin's tools and hooks against a real
// local Kichi World on 127.0.0.1:0.

const lines: string[] = [];
const logger = {
  debug: (m: string) => void lines.push(m),
  info: (m: string) => void lines.push(m),
  warn: (m: string) => void lines.push(m),
  error: (m: string) => void lines.push(m),
};

let host: LocalHost | undefined;
let world: RunningKichiWorld | undefined;

afterEach(async () => {
  await host?.stop();
  await world?.close();
  host = undefined;
  world = undefined;
  lines.length = 0;
});

async function start(config: Record<string, unknown> = {}, worldOptions: Parameters<typeof startKichiWorld>[0] = {}) {
  world = await startKichiWorld(worldOptions);
  const stateDir = await mkdtemp(join(tmpdir(), "kichi-b37-"));
  host = new LocalHost({
    stateDir,
    agents: ["main", "zed"],
    logger,
    agent: scriptedAgent([{ match: /\[Bot conversation\]/, reply: () => "secret reply words" }]),
  });
  await host.load(entry, {
    config: { requestTimeoutMs: 3_000, botReplyCooldownMs: 0, reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, ...config },
  });
  const root = pluginStateDir(stateDir, "kichi-forwarder");
  return { root, store: (agent = "main") => new KichiAgentStore(agentDir(root, agent), logger) };
}

async function call(tool: string, args: Record<string, unknown> = {}, agentId = "main") {
  const outcome = await host!.invokeTool(tool, args, { agentId });
  return (outcome.body as any).result.details;
}

const join_ = (avatarId: string, agentId = "main", over: Record<string, unknown> = {}) =>
  call("kichi_join", { environment: "test", host: world!.host, avatarId, botName: avatarId, bio: "bio", ...over }, agentId);

/** Polls a condition a frame sent without a reply will make true (bounded). */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const localHour = () => new Date().getUTCHours();
const today = () => new Date().toISOString().slice(0, 10);
function schedule(place: Record<string, unknown>) {
  const h = localHour();
  const slots = [{ h, place, act: "reading", mood: "calm", sleep: false }];
  if (h > 0) slots.unshift({ h: 0, place: { type: "home" }, act: "sleep", mood: "sleepy", sleep: true });
  if (h < 23) slots.push({ h: 23, place: { type: "home" }, act: "wind down", mood: "tired", sleep: false });
  return { date: today(), timezone: "UTC", activeArcs: ["novel"], slots };
}

describe("kichi-forwarder, upstream beta.14-37 rows", () => {
  it("b14: kichi_glance asks the avatar to look at the camera and returns the ack", async () => {
    await start();
    await join_("glancer");
    expect(await call("kichi_glance", { requestId: "look-1" })).toEqual({
      success: true,
      requestId: "look-1",
      target: "camera",
      duration: 1.8,
    });
    expect(world!.world.personnel()[0]).toMatchObject({ glance: { target: "camera" } });
    expect((await call("kichi_glance", { target: "window" })).error).toMatch(/^Invalid arguments for kichi_glance: target/);
    expect((await call("kichi_glance", { duration: 0 })).error).toMatch(/^Invalid arguments for kichi_glance: duration/);
  });

  it("b15/b20/b28: sms-state.json gets lastActiveAt on join and when the current user is present, lastMessageReceivedAt on before_dispatch", async () => {
    const { store } = await start();
    await join_("texter");
    const path = store().smsStatePath;
    const afterJoin = KichiSmsStateFileSchema.parse(JSON.parse(await readFile(path, "utf8")));
    expect(afterJoin).toMatchObject({ totalSent: 0, windows: { morning: 0, afternoon: 0, evening: 0 }, lastTypes: [] });
    expect(afterJoin.lastActiveAt).toBeDefined();
    expect(afterJoin.lastMessageReceivedAt).toBeUndefined();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await host!.runHook("before_dispatch", { content: "hello there", sessionKey: "agent:main:chat" }, {});
    const afterMessage = await until("lastMessageReceivedAt", async () => {
      const state = await store().readSmsState();
      return state?.lastMessageReceivedAt ? state : undefined;
    });
    expect(afterMessage.lastActiveAt).toBe(afterJoin.lastActiveAt);
    // The user is present (the default world): a query refreshes lastActiveAt.
    await writeFile(path, JSON.stringify({ ...afterMessage, lastActiveAt: "2000-01-01T00:00:00.000Z" }));
    await call("kichi_query_status");
    expect((await store().readSmsState())?.lastActiveAt).not.toBe("2000-01-01T00:00:00.000Z");
  });

  it("b28: a status query while nobody is at the client leaves lastActiveAt alone", async () => {
    const { store } = await start({}, { currentUserActivity: null });
    await join_("alone");
    const path = store().smsStatePath;
    const state = await store().readSmsState();
    await writeFile(path, JSON.stringify({ ...state, lastActiveAt: "2000-01-01T00:00:00.000Z" }));
    expect((await call("kichi_query_status")).currentUserActivity).toBeNull();
    expect((await store().readSmsState())?.lastActiveAt).toBe("2000-01-01T00:00:00.000Z");
  });

  it("b18: kichi_join leaves the old host and switches; another avatar on the same host leaves first too", async () => {
    await start();
    const other = await startKichiWorld();
    try {
      await join_("first");
      const moved = await call("kichi_join", { environment: "test", host: other.host, avatarId: "first", botName: "F", bio: "b" });
      expect(moved).toEqual({
        success: true,
        avatarId: "first",
        environment: "test",
        host: other.host,
        switched: true,
        left: { success: true },
        tags: [],
      });
      expect(JSON.stringify(moved)).not.toMatch(/authKey/);
      expect(world!.world.personnel()).toEqual([]);
      expect(other.world.personnel().map((p) => p.avatarId)).toEqual(["first"]);
      const swapped = await call("kichi_join", { environment: "test", host: other.host, avatarId: "second", botName: "S", bio: "b" });
      expect(swapped).toMatchObject({ success: true, avatarId: "second", switched: false, left: { success: true } });
      expect(other.world.personnel().map((p) => p.avatarId)).toEqual(["second"]);
      expect(
        (await call("kichi_join", { environment: "steam", avatarId: "x", botName: "X", bio: "b", host: "evil.example/path" })).error,
      ).toBeDefined();
    } finally {
      await other.close();
    }
  });

  it("b19: kichi_action requires avatarStatus and the room stores it; the idle plan carries it per stage", async () => {
    await start();
    await join_("worker");
    expect((await call("kichi_action", { poseType: "sit", action: "Thinking" })).error).toMatch(
      /^Invalid arguments for kichi_action: avatarStatus/,
    );
    expect(await call("kichi_action", { poseType: "sit", action: "Thinking", avatarStatus: "Busy", verify: true })).toMatchObject({
      success: true,
      avatarStatus: "Busy",
      verified: true,
    });
    expect(world!.world.personnel()[0]).toMatchObject({ action: "Thinking", avatarStatus: "Busy" });
    const plan = {
      heartbeatIntervalSeconds: 60,
      goal: "Sketch a cat",
      stages: [
        {
          name: "Sketch",
          purpose: "draw",
          pomodoroPhase: "focus",
          avatarStatus: "Activities",
          durationSeconds: 60,
          actions: [{ poseType: "sit", action: "Writing", durationSeconds: 60, bubble: "Sketching", log: "I sketch the ears." }],
        },
      ],
    };
    expect(await call("kichi_idle_plan", plan)).toMatchObject({ success: true, acknowledged: true });
    const { idlePlan } = await call("kichi_query_status");
    expect(idlePlan.stages[0]).toMatchObject({ avatarStatus: "Activities", actions: [{ log: "I sketch the ears." }] });
    const { log: _log, ...noLog } = plan.stages[0]!.actions[0]!;
    expect((await call("kichi_idle_plan", { ...plan, stages: [{ ...plan.stages[0], actions: [noLog] }] })).error).toMatch(/log/);
  });

  it("b22/b34: bot messages both ways land in bot-message-history.json, readable by the tool, and the logs never carry their words", async () => {
    const { store } = await start();
    // Bot messages are answered while the kichi channel's account runs: the host starts it.
    await host!.start();
    await join_("ann", "main");
    await join_("bob", "zed");
    expect(await call("kichi_bot_message", { toAvatarId: "bob", depth: 0, bubble: "private hello words" })).toMatchObject({
      success: true,
      deliveredTo: ["bob"],
    });
    // The agents answer each other on their own (the scripted agent) until the depth limit: the last
    // message, at depth 5, is bob's, and ann does not answer it.
    const annHistory = await until("the conversation to reach depth 5", async () => {
      const entries = await store("main").readBotMessageHistory();
      return entries.some((e) => e.depth === 5) ? entries : undefined;
    });
    expect(annHistory.map((e) => [e.direction, e.from, e.to, e.depth, e.bubble])).toEqual([
      ["sent", "ann", "bob", 0, "private hello words"],
      ["received", "bob", "ann", 1, "secret reply words"],
      ["sent", "ann", "bob", 2, "secret reply words"],
      ["received", "bob", "ann", 3, "secret reply words"],
      ["sent", "ann", "bob", 4, "secret reply words"],
      ["received", "bob", "ann", 5, "secret reply words"],
    ]);
    const bobHistory = await until("bob's side", async () => {
      const { entries } = await call("kichi_bot_message_history", {}, "zed");
      return entries.length === 6 ? entries : undefined;
    });
    expect(bobHistory.map((e: any) => e.direction)).toEqual(["received", "sent", "received", "sent", "received", "sent"]);
    expect((await call("kichi_bot_message_history", { limit: 1 })).entries).toEqual([annHistory[5]]);
    expect((await call("kichi_bot_message_history", { avatarId: "nobody" })).entries).toEqual([]);
    expect((await call("kichi_bot_message_history", { limit: 31 })).error).toMatch(/limit/);
    const file = KichiBotMessageHistoryFileSchema.parse(JSON.parse(await readFile(store().botMessageHistoryPath, "utf8")));
    expect(file.version).toBe(1);
    expect((await stat(store().botMessageHistoryPath)).mode & 0o777).toBe(0o600);
    const logText = lines.join("\n");
    expect(logText).not.toContain("private hello words");
    expect(logText).not.toContain("secret reply words");
  });

  it("b22: the history keeps the newest 30 entries", async () => {
    const { store } = await start();
    const s = store();
    for (let i = 0; i < 33; i += 1) {
      await s.appendBotMessage({
        id: `m${i}`,
        at: "2026-01-01T00:00:00Z",
        direction: "sent",
        from: "a",
        to: "b",
        depth: 0,
        bubble: `${i}`,
      });
    }
    const entries = await s.readBotMessageHistory();
    expect(entries).toHaveLength(30);
    expect(entries[0]!.bubble).toBe("3");
    expect(entries.at(-1)!.bubble).toBe("32");
  });

  it("b23: the query gives canCreateNoteboardNote, and a repeat of the agent's own recent note is refused", async () => {
    await start();
    await join_("writer");
    expect(await call("kichi_query_status")).toMatchObject({ canCreateNoteboardNote: true, remaining: 3 });
    expect(await call("kichi_noteboard_create", { propId: "notes-board-1", data: "Rain later today" })).toMatchObject({ success: true });
    expect(await call("kichi_noteboard_create", { propId: "notes-board-1", data: "rain later, today!" })).toMatchObject({
      success: false,
      errorCode: "duplicate_note",
    });
    const status = await call("kichi_query_status");
    expect(status.notes).toEqual([expect.objectContaining({ isCreatedByCurrentAgent: true, isFromCurrentUser: false })]);
  });

  it("b27: kichi_clock is described as display-only, with a cron job for reminders", async () => {
    await start();
    const tool = host!.plugins[0]!.registrations.tools[0]!.factory!({ agentId: "main" } as never) as Array<{
      name: string;
      description: string;
    }>;
    const clock = tool.find((t) => t.name === "kichi_clock")!;
    expect(clock.description).toContain("display only: it never reminds or notifies anyone");
    expect(clock.description).toContain("cron job");
  });

  it("b30/b31/b37: presenceScope needs kichiclaw; current comes from the room in scene, else from the schedule; today adds the rest of the day", async () => {
    await start();
    await join_("plain");
    expect(await call("kichi_query_status", { presenceScope: "current" })).toEqual({
      success: false,
      error: "presenceScope is only available when the join source is kichiclaw",
    });
    await host!.stop();
    await world!.close();

    const { store } = await start({ joinSource: "kichiclaw" });
    await join_("mate");
    const inRoom = await call("kichi_query_status", { presenceScope: "current" });
    expect(inRoom).toMatchObject({
      success: true,
      isAvatarInScene: true,
      resolvedPresence: { scope: "current", currentSource: "kichi_room" },
    });
    expect(inRoom.resolvedPresence).not.toHaveProperty("dailySchedule");
    expect(await call("kichi_query_status", { presenceScope: "today" })).toMatchObject({
      success: false,
      error: expect.stringMatching(/^Cannot resolve presence from the daily schedule: .*daily-schedule\.json does not exist$/),
    });
    expect((await call("kichi_sync_mate_daily_schedule")).error).toMatch(/^Cannot sync the daily schedule: .*does not exist$/);

    await writeFile(store().dailySchedulePath, JSON.stringify(schedule({ type: "real_world", name: "Library" })));
    expect(await call("kichi_sync_mate_daily_schedule")).toMatchObject({ success: true, date: today(), acknowledged: true });
    const away = await call("kichi_query_status", { presenceScope: "current" });
    expect(away).toMatchObject({
      success: true,
      isAvatarInScene: false,
      resolvedPresence: {
        scope: "current",
        currentSource: "daily_schedule",
        dailySchedule: {
          date: today(),
          timezone: "UTC",
          currentHour: localHour(),
          currentSlot: { place: { type: "real_world", name: "Library" } },
        },
      },
    });
    expect(away.resolvedPresence.dailySchedule).not.toHaveProperty("upcomingSlots");
    const plans = await call("kichi_query_status", { presenceScope: "today" });
    expect(plans.resolvedPresence.dailySchedule).toMatchObject({ activeArcs: ["novel"] });
    expect(plans.resolvedPresence.dailySchedule.upcomingSlots.every((s: any) => s.h > localHour())).toBe(true);
    expect(plans).toMatchObject({ environmentWeather: { condition: "clear" }, environmentTime: expect.any(Object) });

    await writeFile(store().dailySchedulePath, JSON.stringify({ ...schedule({ type: "home" }), date: "2001-01-01" }));
    expect((await call("kichi_query_status", { presenceScope: "current" })).error).toMatch(/the schedule is for 2001-01-01/);
    await writeFile(store().dailySchedulePath, "{not json");
    expect((await call("kichi_sync_mate_daily_schedule")).error).toMatch(/is not valid JSON$/);
  });

  it("ack failure shape: a refused leave comes back with errorCode and errorMessage, and the stale key is cleared", async () => {
    const { store } = await start();
    await join_("stale");
    // Another join elsewhere replaces the key on the server: ours goes stale.
    world!.world.handle("other-connection", { type: "join", avatarId: "stale", botName: "S", bio: "b", tags: [], source: "t" });
    expect(await call("kichi_leave")).toEqual({
      success: false,
      error: "Not authorised: auth key does not match",
      errorCode: "auth_error",
      errorMessage: "Not authorised: auth key does not match",
    });
    expect(await store().readIdentity(world!.host)).toEqual({ avatarId: "stale" });
  });
});
