import { resolve } from "node:path";
import type { ChatCompletionRequest } from "@clawbridge/contracts";
import { BOT_CONVERSATION_HEADER, type RunningDemoModel, startDemoModel, turnOf } from "@clawbridge/demo-model";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./world-process.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const CONVERSATION_TIMEOUT_MS = 120_000;

/**
 * The bot-conversation turns the demo model was asked, in order: the user's words as the model reads
 * them, and the whole request as JSON (OpenClaw describes the run, session included, in its messages).
 */
function botTurns(requests: readonly ChatCompletionRequest[]): Array<{ words: string; raw: string }> {
  return requests.flatMap((request) => {
    const turn = turnOf(request.messages);
    if (turn.kind !== "user" || !turn.text.includes(BOT_CONVERSATION_HEADER)) return [];
    return [{ words: turn.text, raw: JSON.stringify(request.messages) }];
  });
}

interface Rig {
  world: RunningKichiWorld;
  model: RunningDemoModel;
  gateway: RunningGateway;
  requests: ChatCompletionRequest[];
}

async function startRig(botReplyCooldownMs: number): Promise<Rig> {
  const requests: ChatCompletionRequest[] = [];
  const world = await startKichiWorld();
  const model = await startDemoModel({ tokenDelayMs: 0, onReply: ({ request }) => requests.push(request) });
  const gateway = await startOpenClawGateway({
    plugins: [
      {
        dir: pluginDir,
        config: { environment: "test", testHost: world.host, requestTimeoutMs: 5_000, botReplyCooldownMs },
        allowConversationAccess: true,
      },
    ],
    model: { baseUrl: model.baseUrl, modelId: model.modelId },
    channels: { kichi: { enabled: true } },
    agents: ["alice", "bob"],
    // With several agents OpenClaw wants an owner for each channel account; it does not pick who answers.
    bindings: [{ agentId: "alice", match: { channel: "kichi", accountId: "default" } }],
  });
  return { world, model, gateway, requests };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  await rig?.gateway.stop();
  await rig?.model.close();
  await rig?.world.close();
}

async function invoke(rig: Rig, agentId: string, tool: string, args: Record<string, unknown>, session = "main") {
  const reply = (await rig.gateway.invokeTool(tool, args, { sessionKey: `agent:${agentId}:${session}` })) as {
    status: number;
    body: any;
  };
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.result.details;
}

async function joinBoth(rig: Rig): Promise<void> {
  for (const agent of ["alice", "bob"]) {
    const joined = await invoke(rig, agent, "kichi_join", {
      environment: "test",
      avatarId: `${agent}-avatar`,
      botName: agent,
      bio: `I am ${agent}`,
    });
    expect(joined).toMatchObject({ success: true, avatarId: `${agent}-avatar` });
  }
}

async function roomState(rig: Rig): Promise<any> {
  return (await fetch(`${rig.world.url}/state.json`)).json();
}

describe("Kichi bot-to-bot replies inside the real OpenClaw gateway (kichi channel)", () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig(0);
    await joinBoth(rig);
  });

  afterAll(async () => {
    await stopRig(rig);
  });

  it(
    "two agents converse through the local Kichi World and stop at depth 5",
    async () => {
      const sent = await invoke(rig, "alice", "kichi_bot_message", { toAvatarId: "bob-avatar", depth: 0, bubble: "Hello Bob" });
      expect(sent).toMatchObject({ success: true, deliveredTo: ["bob-avatar"] });

      await waitFor(
        "alice to leave the depth-5 message unanswered",
        async () =>
          (await rig.gateway.logs()).includes("bot message from bob-avatar at depth 5 not answered (too_deep)") ? true : undefined,
        CONVERSATION_TIMEOUT_MS,
        250,
      );
      const turns = botTurns(rig.requests);
      // bob answers depths 0, 2, 4; alice answers 1 and 3; nobody answers 5. Each turn has a longer history.
      expect(new Set(turns.map((t) => t.words)).size).toBe(5);
      expect(turns[0]?.words).toContain('alice: "Hello Bob"');
      // Every reply ran in its agent's bot-reply session.
      for (const t of turns) expect(t.raw).toMatch(/agent:(alice|bob):bot_message\b/);
      const room = await roomState(rig);
      expect(room.lastBotMessages).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ avatarId: "bob-avatar", to: "alice-avatar", depth: 5 }),
          expect.objectContaining({ avatarId: "alice-avatar", to: "bob-avatar", depth: 4 }),
        ]),
      );
      const logs = await rig.gateway.logs();
      expect(logs).not.toContain("cannot admit authenticated owner authority");
      expect(logs).not.toContain("the agent run failed");
    },
    CONVERSATION_TIMEOUT_MS + 10_000,
  );

  it("refuses kichi_bot_message inside the bot-reply session agent:<id>:bot_message", async () => {
    const refused = await invoke(rig, "bob", "kichi_bot_message", { toAvatarId: "alice-avatar", depth: 1, bubble: "Twice" }, "bot_message");
    expect(refused).toMatchObject({ success: false, error: expect.stringContaining("cannot be used while answering a bot message") });
  });
});

describe("a failed bot reply inside the real gateway releases the cooldown", () => {
  let rig: Rig;
  const count = async (pattern: string) => (await rig.gateway.logs()).split("\n").filter((line) => line.includes(pattern)).length;
  const waitForCount = (what: string, pattern: string, atLeast: number) =>
    waitFor(what, async () => ((await count(pattern)) >= atLeast ? true : undefined), CONVERSATION_TIMEOUT_MS, 250);
  // carol has a Kichi avatar but is no agent of the gateway: every reply run of hers fails (Unknown agent id).
  const CAROL_FAILED = "[kichi:carol] bot reply to alice-avatar failed: the agent run failed";
  const CAROL_COOLDOWN = "[kichi:carol] bot message from alice-avatar at depth 4 not answered (cooldown)";
  const BOB_COOLDOWN = "[kichi:bob] bot message from alice-avatar at depth 4 not answered (cooldown)";

  beforeAll(async () => {
    // Ten minutes: within this test a second reply to the same sender happens only if the cooldown was given back.
    rig = await startRig(600_000);
    await joinBoth(rig);
    const carol = await invoke(rig, "carol", "kichi_join", {
      environment: "test",
      avatarId: "carol-avatar",
      botName: "carol",
      bio: "not an agent here",
    });
    expect(carol).toMatchObject({ success: true, avatarId: "carol-avatar" });
  });

  afterAll(async () => {
    await stopRig(rig);
  });

  it(
    "tries again after a reply whose run failed, and holds the cooldown after one that was sent",
    async () => {
      await invoke(rig, "alice", "kichi_bot_message", { toAvatarId: "carol-avatar", depth: 4, bubble: "Hi Carol" });
      await waitForCount("carol's reply run to fail", CAROL_FAILED, 1);
      await invoke(rig, "alice", "kichi_bot_message", { toAvatarId: "carol-avatar", depth: 4, bubble: "Still there" });
      await waitForCount("carol's second reply run (the cooldown was given back)", CAROL_FAILED, 2);
      expect(await count(CAROL_COOLDOWN)).toBe(0);
      expect(await count("Unknown agent id")).toBeGreaterThanOrEqual(2);

      await invoke(rig, "alice", "kichi_bot_message", { toAvatarId: "bob-avatar", depth: 4, bubble: "Hi Bob" });
      const answered = await waitFor(
        "bob to answer alice at depth 5",
        async () => (await roomState(rig)).lastBotMessages.find((m: any) => m.avatarId === "bob-avatar" && m.depth === 5),
        CONVERSATION_TIMEOUT_MS,
        250,
      );
      expect(answered).toMatchObject({ to: "alice-avatar", depth: 5 });
      await invoke(rig, "alice", "kichi_bot_message", { toAvatarId: "bob-avatar", depth: 4, bubble: "Hi again" });
      await waitForCount("bob to hold the cooldown after a reply that was sent", BOB_COOLDOWN, 1);
    },
    3 * CONVERSATION_TIMEOUT_MS,
  );
});
