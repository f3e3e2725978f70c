import { resolve } from "node:path";
import type { ChatCompletionRequest } from "@clawbridge/contracts";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./world-process.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const CONVERSATION_TIMEOUT_MS = 120_000;

/** The bot-conversation prompts the demo model was asked, in order (the last user message of each). */
function botPrompts(requests: readonly ChatCompletionRequest[]): string[] {
  return requests.flatMap((request) => {
    const users = request.messages.filter((m) => m.role === "user");
    const last = users[users.length - 1];
    const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
    return text.includes("[Bot conversation]") ? [text] : [];
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
    const joined = await invoke(rig, agent, "kichi_join", { avatarId: `${agent}-avatar`, botName: agent, bio: `I am ${agent}` });
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

  it("two agents converse through the local Kichi World and stop at depth 5", async () => {
    const sent = await invoke(rig, "alice", "kichi_bot_message", { toAvatarId: "bob-avatar", depth: 0, bubble: "Hello Bob" });
    expect(sent).toMatchObject({ success: true, deliveredTo: ["bob-avatar"] });

    await waitFor(
      "alice to leave the depth-5 message unanswered",
      async () => ((await rig.gateway.logs()).includes("bot message from bob-avatar at depth 5 not answered (too_deep)") ? true : undefined),
      CONVERSATION_TIMEOUT_MS,
      250,
    );
    const prompts = botPrompts(rig.requests);
    // bob answers depths 0, 2, 4; alice answers 1, 3; nobody answers 5.
    expect(prompts).toHaveLength(5);
    expect(prompts[0]).toContain('alice: "Hello Bob"');
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
  }, CONVERSATION_TIMEOUT_MS + 10_000);

  it("refuses kichi_bot_message inside the bot-reply session agent:<id>:bot_message", async () => {
    const refused = await invoke(rig, "bob", "kichi_bot_message", { toAvatarId: "alice-avatar", depth: 1, bubble: "Twice" }, "bot_message");
    expect(refused).toMatchObject({ success: false, error: expect.stringContaining("cannot be used while answering a bot message") });
  });
});
