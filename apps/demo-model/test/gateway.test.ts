import { resolve } from "node:path";
import type { ChatCompletionRequest } from "@clawbridge/contracts";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { createOpenMeowSDKClient, type OpenClawEvent, type OpenMeowSDKClient } from "@clawbridge/openmeow-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReplyPlan } from "../src/plan.js";
import { type RunningDemoModel, startDemoModel } from "../src/server.js";

const diagnosticsDir = resolve(import.meta.dirname, "../../../packages/diagnostics");
const TURN_TIMEOUT_MS = 60_000;

let model: RunningDemoModel;
let gateway: RunningGateway;
let client: OpenMeowSDKClient;
let sessionKey: string;
const served: Array<{ request: ChatCompletionRequest; plan: ReplyPlan }> = [];

beforeAll(async () => {
  model = await startDemoModel({ onReply: (reply) => served.push(reply) });
  gateway = await startOpenClawGateway({
    plugins: [{ dir: diagnosticsDir }],
    model: { baseUrl: model.baseUrl, modelId: model.modelId },
  });
  client = createOpenMeowSDKClient({ gateway: gateway.wsUrl, token: gateway.token });
  await client.connect();
  const agents = (await client.listAgents()) as { defaultId: string };
  ({ sessionKey } = await client.createLaneSession({ agentId: agents.defaultId, label: "demo model e2e" }));
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await model?.close();
});

interface Arrived {
  at: number;
  event: OpenClawEvent;
}

/** Sends a message on the lane and collects the run's events, each with the time it arrived, to the end. */
async function runTurn(message: string): Promise<Arrived[]> {
  const { runId } = await client.send(sessionKey, message);
  const arrived: Arrived[] = [];
  const collect = (async () => {
    for await (const event of client.events(runId)) arrived.push({ at: performance.now(), event });
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      const seen = arrived.map(({ event }) => event.type).join(", ");
      reject(new Error(`run ${runId} did not end within ${TURN_TIMEOUT_MS} ms (saw: ${seen})\n${(await gateway.logs()).slice(-3000)}`));
    }, TURN_TIMEOUT_MS);
  });
  try {
    await Promise.race([collect, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return arrived;
}

const deltasOf = (arrived: Arrived[]) => arrived.filter(({ event }) => event.type === "assistant.delta");
/** The reply OpenClaw settled on, from the run's terminal event. */
const finalReplyOf = (arrived: Arrived[]) => {
  const end = arrived.at(-1)?.event;
  expect(end?.type).toBe("run.completed");
  return String(((end?.data ?? {}) as { terminalReply?: { text?: unknown } }).terminalReply?.text ?? "");
};

describe("the demo model as the default model of a real OpenClaw gateway", () => {
  it("streams an agent turn's reply as separate deltas before the final reply", async () => {
    const arrived = await runTurn("hello there");

    expect(served.at(-1)?.request).toMatchObject({ model: "clawbridge-demo", stream: true });
    const expected = 'This is the clawbridge demo model, not an AI. You said: "hello there"';
    expect(finalReplyOf(arrived)).toBe(expected);
    const deltas = deltasOf(arrived);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(((deltas.at(-1)?.event.data ?? {}) as { text?: string }).text).toBe(expected);
    // Token by token: the deltas arrive over time, not in one burst at the end.
    expect((deltas.at(-1)?.at ?? 0) - (deltas[0]?.at ?? 0)).toBeGreaterThan(150);
    expect(arrived.findIndex(({ event }) => event.type === "run.completed")).toBeGreaterThan(arrived.indexOf(deltas.at(-1) as Arrived));
  });

  it("calls the clawbridge_status plugin tool when asked and answers with its result", async () => {
    const nonce = `e2e-${Date.now()}`;
    const arrived = await runTurn(`Please call tool clawbridge_status with {"echo":"${nonce}"}`);

    const toolEvents = arrived
      .filter(({ event }) => event.type.startsWith("tool.call."))
      .map(({ event }) => event.data as { name?: string });
    expect(toolEvents.map((data) => data.name)).toContain("clawbridge_status");
    expect(arrived.map(({ event }) => event.type)).not.toContain("tool.call.failed");
    // The model called once, then answered the result OpenClaw sent back.
    expect(served.slice(-2).map(({ plan }) => (plan.kind === "text" ? plan.reason : plan.kind))).toEqual(["tool_call", "tool_result"]);

    const reply = finalReplyOf(arrived);
    expect(reply).toMatch(/^The tool clawbridge_status returned: /);
    const result = JSON.parse(reply.slice("The tool clawbridge_status returned: ".length));
    expect(result).toMatchObject({ success: true, plugin: "clawbridge", echo: nonce, sessionKey });
    expect(deltasOf(arrived).length).toBeGreaterThanOrEqual(3);
  });
});
