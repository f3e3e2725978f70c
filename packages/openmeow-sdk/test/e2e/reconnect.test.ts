import { resolve } from "node:path";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { seededRandom } from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenMeowSDKClient } from "../../src/adapter/types.js";
import { createOpenMeowSDKClient } from "../../src/index.js";
import { openMeowRunStartedEvent } from "../../src/reducers/seed.js";
import { initialOpenMeowUIState, reduceOpenMeowUIState } from "../../src/reducers/ui-state.js";

const diagnosticsDir = resolve(import.meta.dirname, "../../../diagnostics");
const SECONDS = 15;
/** A crash, a restart (a minute under load), the gateway's own recovery of the turn, and the turn itself. */
const TEST_TIMEOUT_MS = 480_000;
let model: RunningDemoModel;
let gateway: RunningGateway;
let client: OpenMeowSDKClient;
const reconnects: Array<{ attempts: number; recovering: string[] }> = [];
const delays: number[] = [];

beforeAll(async () => {
  model = await startDemoModel();
  gateway = await startOpenClawGateway({ plugins: [{ dir: diagnosticsDir }], model: { baseUrl: model.baseUrl, modelId: model.modelId } });
  client = createOpenMeowSDKClient({
    gateway: gateway.wsUrl,
    token: gateway.token,
    // Seeded jitter; a restart under load can take a minute, so the ceiling stays small and attempts many.
    reconnect: { random: seededRandom(14), initialDelayMs: 200, maxDelayMs: 2_000, maxAttempts: 200 },
    onReconnecting: (info) => delays.push(info.delayMs),
    onReconnected: (info) => reconnects.push(info),
  });
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await model?.close();
});

describe("the client across a gateway crash (SIGKILL mid-stream, restarted on the same port)", () => {
  it(
    "reconnects, follows the gateway's restart recovery of the turn, and the lane settles with the complete text",
    async () => {
      const { sessionKey } = await client.createLaneSession({ agentId: "main", label: "reconnect e2e" });
      const run = await client.send(sessionKey, `count slowly, take ${SECONDS} seconds`);
      let lane = reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey }), openMeowRunStartedEvent(run));
      let crashed: Promise<void> | undefined;
      let deltasBeforeCrash = 0;
      for await (const event of client.events(run.runId)) {
        lane = reduceOpenMeowUIState(lane, event);
        if (!crashed && event.type === "assistant.delta") {
          deltasBeforeCrash += 1;
          // Mid-stream: a few numbers counted, most still to come.
          if (/ 3 /.test(String(lane.assistantDrafts[run.runId] ?? ""))) crashed = gateway.crashAndRestart();
        }
      }
      await crashed;
      expect(crashed).toBeDefined();
      expect(deltasBeforeCrash).toBeGreaterThan(0);
      expect(reconnects.at(-1)?.recovering).toEqual([run.runId]);
      expect(delays.length).toBeGreaterThan(0);
      const counted = Array.from({ length: SECONDS }, (_, i) => String(i + 1)).join(" ");
      expect(lane.messages.at(-1)?.text).toBe(`Taking my time (${SECONDS} seconds), as asked: ${counted} Done.`);
      expect(lane.composer).toMatchObject({ mode: "idle", lastTerminalStatus: "completed" });
    },
    TEST_TIMEOUT_MS,
  );
});
