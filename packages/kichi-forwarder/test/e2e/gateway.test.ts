import { resolve } from "node:path";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pluginDir = resolve(import.meta.dirname, "../..");

let gateway: RunningGateway;
let world: RunningKichiWorld;

beforeAll(async () => {
  world = await startKichiWorld();
  gateway = await startOpenClawGateway({
    plugins: [{ dir: pluginDir, config: { requestTimeoutMs: 5_000 }, allowConversationAccess: true }],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await world?.close();
});

async function invoke(tool: string, args: Record<string, unknown>) {
  const reply = await gateway.invokeTool(tool, args, { sessionKey: "agent:main:kichi-e2e" });
  return reply as { status: number; body: any };
}

describe("kichi-forwarder in the real OpenClaw gateway", () => {
  it("switches to the local server, joins, acts and queries through /tools/invoke", async () => {
    const switched = await invoke("kichi_switch_host", { environment: "test", host: world.host });
    expect(switched.status).toBe(200);
    expect(switched.body.result.details).toMatchObject({ success: true, environment: "test", host: world.host, wsUrl: world.wsUrl });

    const joined = await invoke("kichi_join", { avatarId: "gateway-bot", botName: "Gateway Bot", bio: "Runs in OpenClaw", tags: ["e2e"] });
    expect(joined.body.result.details).toEqual({ success: true, avatarId: "gateway-bot", host: world.host, tags: ["e2e"] });

    const action = await invoke("kichi_action", { poseType: "sit", action: "typing with keyboard", bubble: "Shipping", verify: true });
    expect(action.body.result.details).toMatchObject({
      success: true,
      action: "Typing with Keyboard",
      actual: { poseType: "sit", action: "Typing with Keyboard", propId: "desk-chair-1" },
    });

    const status = await invoke("kichi_query_status", {});
    const details = status.body.result.details;
    expect(details).toMatchObject({ success: true, dailyLimit: 3, remaining: 3, hasCreatedMusicAlbumToday: false });
    expect(details.personnel).toEqual([
      expect.objectContaining({ avatarId: "gateway-bot", action: "Typing with Keyboard", isCurrentAgent: true }),
    ]);
    expect(details.RoomContext.PoseableProps.find((p: any) => p.PropId === "desk-chair-1").OccupancyState).toBe("fully_occupied");

    const bad = await invoke("kichi_action", { poseType: "sit", action: "Moonwalk" });
    expect(bad.body.result.details).toMatchObject({ success: false, error: 'Unknown action "Moonwalk" for poseType "sit"' });
  });
});
