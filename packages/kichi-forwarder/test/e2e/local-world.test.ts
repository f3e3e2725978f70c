import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LocalHost, scriptedAgent } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorldProcess, type WorldProcess, waitFor } from "./world-process.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const logLines: string[] = [];
const capture = (level: string) => (m: string) => {
  logLines.push(`${level} ${m}`);
};
const logger = { debug() {}, info: capture("info"), warn: capture("warn"), error: capture("error") };

let world: WorldProcess;
let stateFile: string;
let host: LocalHost;
let botTurns: string[] = [];

async function call(agentId: string, tool: string, args: Record<string, unknown> = {}) {
  const outcome = await host.invokeTool(tool, args, { agentId });
  expect(outcome.status).toBe(200);
  return (outcome.body as { result: { details: any } }).result.details;
}

async function roomState(): Promise<any> {
  return (await fetch(`${world.url}/state.json`)).json();
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "kichi-e2e-"));
  stateFile = join(dir, "world", "identities.json");
  world = await startWorldProcess(0, stateFile);
  host = new LocalHost({
    stateDir: join(dir, "host"),
    agents: ["alice", "bob"],
    logger,
    agent: scriptedAgent([
      {
        match: /\[Bot conversation\]/,
        reply: (_m, request) => {
          botTurns.push(request.agentId);
          return `${request.agentId} says hi ${botTurns.length}`;
        },
      },
    ]),
  });
  await host.load(pluginDir, {
    config: {
      environment: "test",
      testHost: world.host,
      botReplyCooldownMs: 0,
      requestTimeoutMs: 4_000,
      reconnect: { initialDelayMs: 50, maxDelayMs: 400, healthyAfterMs: 1_000 },
    },
  });
  await host.start();
});

afterAll(async () => {
  await host?.stop();
  world?.child.kill("SIGKILL");
});

describe("kichi-forwarder against a local Kichi World process", () => {
  it("two agents join the room", async () => {
    for (const agent of ["alice", "bob"]) {
      const joined = await call(agent, "kichi_join", {
        environment: "test",
        avatarId: `${agent}-avatar`,
        botName: agent,
        bio: `I am ${agent}`,
        tags: ["Code", "code", " music "],
      });
      expect(joined).toEqual({
        success: true,
        avatarId: `${agent}-avatar`,
        environment: "test",
        host: world.host,
        switched: false,
        tags: ["Code", "music"],
      });
      const { status } = await call(agent, "kichi_connection_status");
      expect(status).toMatchObject({
        connected: true,
        websocketState: "open",
        hasAuthKey: true,
        avatarId: `${agent}-avatar`,
        host: world.host,
      });
    }
    const room = await roomState();
    expect(room.personnel.map((p: any) => p.avatarId).sort()).toEqual(["alice-avatar", "bob-avatar"]);
  });

  it("queries the room, caches props for kichi_action, and verifies actions with occupancy warnings", async () => {
    const status = await call("alice", "kichi_query_status");
    expect(status.success).toBe(true);
    expect(status.RoomContext.PoseableProps.map((p: any) => p.PropId)).toContain("desk-chair-1");
    expect(status).toMatchObject({ dailyLimit: 3, remaining: 3, hasCreatedMusicAlbumToday: false, notes: [] });

    const mine = await call("alice", "kichi_action", {
      poseType: "sit",
      action: "  typing WITH keyboard ",
      propId: "desk-chair-1",
      avatarStatus: "Busy",
      verify: true,
    });
    expect(mine).toMatchObject({
      success: true,
      poseType: "sit",
      action: "Typing with Keyboard",
      bubble: "Typing with Keyboard",
      playback: { mode: "loop" },
      actual: { poseType: "sit", action: "Typing with Keyboard", propId: "desk-chair-1" },
    });
    expect(mine.warning).toBeUndefined();

    const theirs = await call("bob", "kichi_action", {
      poseType: "sit",
      action: "Drink",
      bubble: "Coffee",
      propId: "desk-chair-1",
      avatarStatus: "Busy",
      verify: true,
    });
    expect(theirs.playback).toEqual({ mode: "once", resumeAction: "Sit Nicely" });
    expect(theirs.requested).toEqual({ poseType: "sit", action: "Drink", propId: "desk-chair-1" });
    expect(theirs.actual.propId).toBe("desk-chair-2");
    expect(theirs.warning).toMatch(/desk-chair-1.*fully occupied/);

    await call("alice", "kichi_query_status");
    const [factory] = host.plugins[0]!.registrations.tools;
    const tools = factory!.factory!({ agentId: "alice", sessionKey: "agent:alice:main" } as never) as Array<{
      name: string;
      description: string;
    }>;
    const description = tools.find((t) => t.name === "kichi_action")!.description;
    expect(description).toContain('desk-chair-1 "Desk Chair" poses: sit; occupancy: fully_occupied');
    expect(description).toContain("not fully_occupied");

    const unknown = await call("alice", "kichi_action", { poseType: "lay", action: "Moonwalk", avatarStatus: "Busy" });
    expect(unknown.success).toBe(false);
    expect(unknown.error).toBe('Unknown action "Moonwalk" for poseType "lay"');
    expect(unknown.available).toContain("Lie Flat");
  });

  it("sends idle plans, clocks, notes and the daily album, and reads them back", async () => {
    const plan = {
      heartbeatIntervalSeconds: 120,
      goal: "Ship the parser",
      stages: [
        {
          name: "Focus",
          purpose: "Write code",
          pomodoroPhase: "focus",
          avatarStatus: "Activities",
          durationSeconds: 90,
          actions: [{ poseType: "sit", action: "writing", durationSeconds: 90, bubble: "Coding", log: "I write the parser." }],
        },
        {
          name: "Break",
          purpose: "Stretch",
          pomodoroPhase: "shortBreak",
          avatarStatus: "Break",
          durationSeconds: 30,
          actions: [{ poseType: "stand", action: "Arm Stretch", durationSeconds: 30, bubble: "Stretch", log: "I stretch my arms." }],
        },
      ],
    };
    expect(await call("alice", "kichi_idle_plan", plan)).toMatchObject({ success: true, totalDurationSeconds: 120, acknowledged: true });
    const bad = await call("alice", "kichi_idle_plan", { ...plan, heartbeatIntervalSeconds: 100 });
    expect(bad).toEqual({ success: false, error: "idle plan total duration must equal heartbeatIntervalSeconds exactly (120 !== 100)" });

    const clock = await call("alice", "kichi_clock", {
      action: "set",
      clock: { mode: "pomodoro", kichiSeconds: 1500, shortBreakSeconds: 300, longBreakSeconds: 900, sessionCount: 4 },
    });
    expect(clock).toMatchObject({
      success: true,
      acknowledged: true,
      clock: { currentSession: 1, phase: "focus", remainingSeconds: 1500, running: true },
    });

    for (const text of ["one", "two", "three"]) {
      expect(await call("alice", "kichi_noteboard_create", { propId: "notes-board-1", data: `note ${text}` })).toMatchObject({
        success: true,
        acknowledged: true,
      });
    }
    const overQuota = await call("alice", "kichi_noteboard_create", { propId: "notes-board-1", data: "note four" });
    expect(overQuota.success).toBe(false);
    expect(overQuota.error).toMatch(/daily limit of 3 notes/);

    const album = await call("alice", "kichi_music_album_create", {
      albumTitle: "Deep work",
      musicTitles: ["calm time", "Calm Time", "Reverie"],
    });
    expect(album).toMatchObject({ success: true, musicTitles: ["Calm Time", "Reverie"], acknowledged: true });
    const again = await call("alice", "kichi_music_album_create", { albumTitle: "More", musicTitles: ["Reverie"] });
    expect(again.success).toBe(false);
    expect(again.error).toMatch(/already created today/);

    const status = await call("alice", "kichi_query_status");
    expect(status.remaining).toBe(0);
    expect(status.hasCreatedMusicAlbumToday).toBe(true);
    expect(status.notes.map((n: any) => n.content)).toEqual(["note one", "note two", "note three"]);
    expect(status.notes[0].isCreatedByCurrentAgent).toBe(true);
    expect(status.timer).toMatchObject({ mode: "pomodoro", kichiSeconds: 1500 });
    expect(status.idlePlan).toMatchObject({ goal: "Ship the parser", stages: [{ actions: [{ action: "Writing" }] }, {}] });
    const bobView = await call("bob", "kichi_query_status");
    expect(bobView.notes[0].isCreatedByCurrentAgent).toBe(false);
    expect(await call("alice", "kichi_clock", { action: "stop" })).toMatchObject({ success: true, action: "stop" });
  });

  it("runs a bot conversation that stops at depth 5", async () => {
    botTurns = [];
    const sent = await call("alice", "kichi_bot_message", {
      toAvatarId: "bob-avatar",
      depth: 0,
      bubble: "Hello Bob",
      poseType: "stand",
      action: "yay",
    });
    expect(sent).toMatchObject({
      success: true,
      toAvatarId: "bob-avatar",
      deliveredTo: ["bob-avatar"],
      action: "Yay",
      playback: { mode: "once", resumeAction: "Idle Backup Hands" },
    });
    await waitFor("the depth-5 message to be dropped", () =>
      logLines.some((l) => /depth 5 not answered \(too_deep\)/.test(l)) ? true : undefined,
    );
    expect(botTurns).toEqual(["bob", "alice", "bob", "alice", "bob"]);
    const room = await roomState();
    const last = room.lastBotMessages.find((m: any) => m.avatarId === "bob-avatar");
    expect(last).toMatchObject({ to: "alice-avatar", depth: 5 });
  });

  it("survives a killed server: pending calls fail at once, both agents rejoin on their own", async () => {
    const port = world.port;
    world.child.kill("SIGSTOP");
    const started = Date.now();
    const pending = call("alice", "kichi_query_status");
    await waitFor("the query to be pending", async () => {
      const { status } = await call("alice", "kichi_connection_status");
      return status.pendingRequestCount > 0 ? true : undefined;
    });
    world.child.kill("SIGKILL");
    await world.exited;
    const failed = await pending;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(failed.success).toBe(false);
    expect(failed.error).toMatch(/websocket closed before the reply arrived/);

    const whileDown = await call("bob", "kichi_action", { poseType: "stand", action: "Wait", avatarStatus: "Idle", verify: true });
    expect(whileDown.success).toBe(false);
    expect(whileDown.error).toMatch(/^Not connected to Kichi world/);

    world = await startWorldProcess(port, stateFile);
    for (const agent of ["alice", "bob"]) {
      await waitFor(`${agent} to rejoin`, async () => {
        const { status } = await call(agent, "kichi_connection_status");
        return status.rejoined && status.connected ? true : undefined;
      });
      const back = await call(agent, "kichi_action", { poseType: "floor", action: "Cross Legged", avatarStatus: "Break", verify: true });
      expect(back).toMatchObject({ success: true, actual: { poseType: "floor", action: "Cross Legged" } });
    }
    const room = await roomState();
    expect(room.personnel.map((p: any) => p.avatarId).sort()).toEqual(["alice-avatar", "bob-avatar"]);
  });
});
