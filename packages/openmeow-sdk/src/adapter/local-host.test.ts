import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import diagnostics from "@clawbridge/diagnostics";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenMeowSDKClient } from "../index.js";
import { reduceOpenMeowCancelResult } from "../reducers/cancel-result.js";
import { markOpenMeowRunCancelling, normalizeOpenMeowWaitResult } from "../reducers/run-state.js";
import { openMeowRunStartedEvent } from "../reducers/seed.js";
import { initialOpenMeowUIState, reduceOpenMeowUIState } from "../reducers/ui-state.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let host: LocalHost;

beforeAll(async () => {
  host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "om-lh-")),
    logger: quiet,
    agents: ["main", "cody"],
    gatewayProtocol: { deltaIntervalMs: 1 },
  });
  await host.load(diagnostics);
  await host.start();
});
afterAll(async () => host?.stop());

function adapter() {
  return createOpenMeowSDKClient({ gateway: `ws://127.0.0.1:${host.port}`, token: host.token });
}

describe("the adapter against LocalHost's Gateway protocol", () => {
  it("runs a lane end to end: tool card, approval card, streamed reply, completed", async () => {
    const client = adapter();
    await client.connect();
    expect(await client.listAgents()).toMatchObject({ agents: [{ id: "main" }, { id: "cody" }] });
    const { sessionKey } = await client.createLaneSession({ agentId: "cody", label: "Cody" });
    const run = await client.send(sessionKey, "run the tool and ask approval please");
    expect(run.runId).not.toBe("");
    let lane = reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey }), openMeowRunStartedEvent(run));
    for await (const event of client.events(run.runId)) {
      lane = reduceOpenMeowUIState(lane, event);
      if (event.type === "approval.requested") {
        const id = lane.approvals[0]!.id;
        await client.respondApproval(id, "allow-once");
      }
    }
    expect(lane.toolActivities).toEqual([expect.objectContaining({ title: "clawbridge_status", phase: "completed" })]);
    expect(lane.approvals).toEqual([expect.objectContaining({ status: "resolved" })]);
    expect(lane.approvalDecisions.get(lane.approvals[0]!.id)).toBe("allow-once");
    expect(lane.messages.at(-1)?.text).toBe("Approved. Noted: run the tool");
    expect(lane.composer).toMatchObject({ mode: "idle", lastTerminalStatus: "completed" });
    expect(await client.effectiveTools(sessionKey)).toMatchObject({ agentId: "cody", groups: [{ tools: [{ id: "clawbridge_status" }] }] });
    expect(await client.invokeTool("clawbridge_status", { sessionKey })).toMatchObject({
      ok: true,
      toolName: "clawbridge_status",
      source: "plugin",
    });
    await client.close();
  });

  it("stops a long run: wait deadline first, then cancel → aborted, then no-active-run settles", async () => {
    const client = adapter();
    const { sessionKey } = await client.createLaneSession({ agentId: "main" });
    const run = await client.send(sessionKey, "tell a long story");
    let lane = reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey }), openMeowRunStartedEvent(run));
    lane = reduceOpenMeowUIState(lane, normalizeOpenMeowWaitResult(await client.wait(run.runId, 1)));
    expect(lane.composer).toMatchObject({ mode: "streaming", waitDeadlineExpired: true });
    const cancelling = { ...lane, composer: markOpenMeowRunCancelling(lane.composer) };
    const answer = await client.cancel(run.runId, sessionKey);
    expect(answer).toEqual({ ok: true, abortedRunId: run.runId, status: "aborted" });
    expect(reduceOpenMeowCancelResult(cancelling, run, answer).composer).toMatchObject({ mode: "idle", lastTerminalStatus: "cancelled" });
    expect(normalizeOpenMeowWaitResult(await client.wait(run.runId, 5_000))).toMatchObject({ kind: "terminal", status: "cancelled" });
    const types: string[] = [];
    for await (const event of client.events(run.runId)) types.push(event.type);
    expect(types.at(-1)).toBe("run.cancelled");
    const again = await client.cancel(run.runId, sessionKey);
    expect(reduceOpenMeowCancelResult(cancelling, run, again).composer).toMatchObject({ mode: "idle", canSend: true });
    await client.close();
  });

  it("reports an unreachable gateway and a wrong token clearly", async () => {
    await expect(createOpenMeowSDKClient({ gateway: "ws://127.0.0.1:9", token: "x" }).connect()).rejects.toThrow("gateway unreachable");
    await expect(createOpenMeowSDKClient({ gateway: `ws://127.0.0.1:${host.port}`, token: "wrong" }).connect()).rejects.toThrow(
      "gateway refused connect: unauthorized",
    );
  });
});
