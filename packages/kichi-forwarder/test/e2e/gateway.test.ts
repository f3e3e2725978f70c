import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KichiBotMessageHistoryFileSchema } from "@clawbridge/contracts";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { KICHI_TOOL_NAMES } from "../../src/index.js";

const pluginDir = resolve(import.meta.dirname, "../..");

let gateway: RunningGateway;
let world: RunningKichiWorld;
let schedulePath: string;
const covered = new Set<string>();

beforeAll(async () => {
  world = await startKichiWorld();
  schedulePath = join(await mkdtemp(join(tmpdir(), "kichi-gw-schedule-")), "daily-schedule.json");
  gateway = await startOpenClawGateway({
    plugins: [
      {
        dir: pluginDir,
        // kichiclaw: the official join source, which offers all fifteen tools.
        config: { requestTimeoutMs: 5_000, joinSource: "kichiclaw", dailySchedulePath: schedulePath, botReplyCooldownMs: 0 },
        allowConversationAccess: true,
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await world?.close();
});

async function invoke(tool: string, args: Record<string, unknown> = {}) {
  covered.add(tool);
  const reply = (await gateway.invokeTool(tool, args, { sessionKey: "agent:main:kichi-e2e" })) as { status: number; body: any };
  expect(reply.status, `${tool}: ${JSON.stringify(reply.body)}`).toBe(200);
  return reply.body.result.details;
}

/** Another bot in the room: a bare WebSocket client of the local world. */
async function otherBot(avatarId: string) {
  const socket = new WebSocket(world.wsUrl);
  const frames: any[] = [];
  socket.on("message", (data) => frames.push(JSON.parse(String(data))));
  await new Promise((ok, fail) => {
    socket.once("open", ok);
    socket.once("error", fail);
  });
  const waitFor = async (type: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = frames.find((f) => f.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} frame`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  socket.send(
    JSON.stringify({ type: "join", requestId: "j", avatarId, botName: avatarId, bio: "a bare client", tags: [], source: "test" }),
  );
  const { authKey } = await waitFor("join_ack");
  return { socket, authKey, waitFor };
}

describe("kichi-forwarder in the real OpenClaw gateway", () => {
  it("every one of the 15 tools works through /tools/invoke against the local server", async () => {
    expect(await invoke("kichi_switch_host", { environment: "test", host: world.host })).toMatchObject({
      success: true,
      environment: "test",
      host: world.host,
      wsUrl: world.wsUrl,
    });
    const joined = await invoke("kichi_join", {
      environment: "test",
      host: world.host,
      avatarId: "gateway-bot",
      botName: "Gateway Bot",
      bio: "Runs in OpenClaw",
      tags: ["e2e"],
    });
    expect(joined).toEqual({
      success: true,
      avatarId: "gateway-bot",
      environment: "test",
      host: world.host,
      switched: false,
      tags: ["e2e"],
    });
    expect((await invoke("kichi_connection_status")).status).toMatchObject({ connected: true, hasAuthKey: true, avatarId: "gateway-bot" });
    expect(await invoke("kichi_rejoin")).toMatchObject({ success: true, mode: "sent" });

    expect(
      await invoke("kichi_action", {
        poseType: "sit",
        action: "typing with keyboard",
        bubble: "Shipping",
        avatarStatus: "Busy",
        verify: true,
      }),
    ).toMatchObject({
      success: true,
      action: "Typing with Keyboard",
      avatarStatus: "Busy",
      actual: { poseType: "sit", action: "Typing with Keyboard", propId: "desk-chair-1" },
    });
    expect(await invoke("kichi_action", { poseType: "sit", action: "Moonwalk", avatarStatus: "Busy" })).toMatchObject({
      success: false,
      error: 'Unknown action "Moonwalk" for poseType "sit"',
    });
    expect(await invoke("kichi_glance", {})).toMatchObject({ success: true, target: "camera", duration: 1.8 });

    const plan = {
      heartbeatIntervalSeconds: 120,
      goal: "Write a haiku",
      stages: [
        {
          name: "Draft",
          purpose: "write lines",
          pomodoroPhase: "focus",
          avatarStatus: "Activities",
          durationSeconds: 120,
          actions: [{ poseType: "sit", action: "Writing", durationSeconds: 120, bubble: "Drafting", log: "I draft the first line." }],
        },
      ],
    };
    expect(await invoke("kichi_idle_plan", plan)).toMatchObject({ success: true, acknowledged: true, totalDurationSeconds: 120 });
    expect(await invoke("kichi_clock", { action: "set", clock: { mode: "countDown", durationSeconds: 300 } })).toMatchObject({
      success: true,
      acknowledged: true,
    });

    const status = await invoke("kichi_query_status", {});
    expect(status).toMatchObject({
      success: true,
      dailyLimit: 3,
      remaining: 3,
      canCreateNoteboardNote: true,
      isAvatarInScene: true,
      hasCreatedMusicAlbumToday: false,
      currentUserActivity: { action: "Typing with Keyboard" },
      idlePlan: { goal: "Write a haiku" },
      timer: { mode: "countDown", durationSeconds: 300 },
    });
    expect(status.personnel).toEqual([expect.objectContaining({ avatarId: "gateway-bot", isCurrentAgent: true, avatarStatus: "Busy" })]);

    expect(await invoke("kichi_noteboard_create", { propId: "notes-board-1", data: "Hello from the gateway" })).toMatchObject({
      success: true,
      acknowledged: true,
    });
    expect(await invoke("kichi_noteboard_create", { propId: "notes-board-1", data: "hello from the gateway!" })).toMatchObject({
      success: false,
      errorCode: "duplicate_note",
    });
    expect(await invoke("kichi_music_album_create", { albumTitle: "Morning", musicTitles: ["Reverie"] })).toMatchObject({
      success: true,
      acknowledged: true,
    });

    const hour = new Date().getUTCHours();
    const today = new Date().toISOString().slice(0, 10);
    await writeFile(
      schedulePath,
      JSON.stringify({
        date: today,
        timezone: "UTC",
        activeArcs: ["poetry"],
        slots: [
          { h: 0, place: { type: "home" }, act: "rest", mood: "calm", sleep: false },
          ...(hour > 0 ? [{ h: hour, place: { type: "home" }, act: "read", mood: "calm", sleep: false }] : []),
        ],
      }),
    );
    expect(await invoke("kichi_sync_mate_daily_schedule")).toMatchObject({ success: true, date: today, acknowledged: true });
    expect(await invoke("kichi_query_status", { presenceScope: "current" })).toMatchObject({
      success: true,
      isAvatarInScene: false,
      resolvedPresence: { scope: "current", currentSource: "daily_schedule", dailySchedule: { currentSlot: { place: { type: "home" } } } },
    });

    const peer = await otherBot("peer-bot");
    expect(await invoke("kichi_bot_message", { toAvatarId: "peer-bot", depth: 0, bubble: "Hi peer" })).toMatchObject({
      success: true,
      deliveredTo: ["peer-bot"],
    });
    expect(await peer.waitFor("bot_message_received")).toMatchObject({ from: "gateway-bot", bubble: "Hi peer", depth: 0 });
    peer.socket.send(
      JSON.stringify({
        type: "bot_message",
        requestId: "p1",
        avatarId: "peer-bot",
        authKey: peer.authKey,
        toAvatarId: "gateway-bot",
        depth: 1,
        bubble: "Hello back",
      }),
    );
    await peer.waitFor("bot_message_ack");
    let history: any;
    const deadline = Date.now() + 10_000;
    do {
      history = await invoke("kichi_bot_message_history", { avatarId: "peer-bot" });
      if (history.entries.length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(history.entries.slice(0, 2).map((e: any) => [e.direction, e.bubble])).toEqual([
      ["sent", "Hi peer"],
      ["received", "Hello back"],
    ]);
    KichiBotMessageHistoryFileSchema.shape.entries.parse(history.entries);
    peer.socket.close();

    expect(await invoke("kichi_leave")).toEqual({ success: true });
    expect((await invoke("kichi_connection_status")).status).toMatchObject({ hasAuthKey: false, avatarId: "gateway-bot" });
    expect([...covered].sort()).toEqual([...KICHI_TOOL_NAMES].sort());
    // The gateway log holds neither the auth key nor what the bots said (b34).
    const logs = await gateway.logs();
    expect(logs).not.toContain("Hello back");
    expect(logs).not.toContain("Hi peer");
    // The skill ships inside the installed artifact.
    const skill = await readFile(
      join(gateway.home, ".openclaw", "extensions", "kichi-forwarder", "skills", "kichi-forwarder", "SKILL.md"),
      "utf8",
    );
    expect(skill).toMatch(/^---\nname: kichi-forwarder\n/);
  }, 120_000);
});
