import { resolve } from "node:path";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { createOpenMeowSDKClient, type OpenClawEvent, type OpenMeowSDKClient } from "@clawbridge/openmeow-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const receiver = new WebhookReceiver();
let gateway: RunningGateway;
let model: RunningDemoModel;
const LIFECYCLE_PATH = "/api/webhooks/gw/openclaw";

beforeAll(async () => {
  await receiver.start();
  model = await startDemoModel();
  gateway = await startOpenClawGateway({
    model: { baseUrl: model.baseUrl, modelId: model.modelId },
    plugins: [
      {
        dir: pluginDir,
        allowConversationAccess: true,
        config: {
          config: {
            routes: [
              { event: "session.*", filter: { tool: "omx" }, webhook: `${receiver.url}/api/webhooks/gw/omx`, format: "inline" },
              { event: "session.*", filter: { tool: "omc" }, slack_webhook: `${receiver.url}/services/gw/omc` },
              // OpenClaw's own runs (emitLifecycle, on by default), as raw JSON so the test reads every field.
              { event: "session.*", filter: { tool: "openclaw" }, webhook: `${receiver.url}${LIFECYCLE_PATH}`, format: "raw" },
            ],
          },
        },
      },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  await receiver.stop();
});

// routeAuth defaults to "gateway": the gateway's bearer token guards every clawhip route.
let json: Record<string, string>;

describe("clawhip installed in a real OpenClaw gateway", () => {
  it("serves its health route on the gateway's HTTP server, behind the gateway's token by default", async () => {
    json = { "content-type": "application/json", authorization: `Bearer ${gateway.token}` };
    let health: Response | undefined;
    await until(
      async () => {
        health = await fetch(`${gateway.url}/clawhip/health`, { headers: json });
        return health.status === 200;
      },
      30_000,
      "the clawhip service to start inside the gateway",
    );
    expect(await health?.json()).toMatchObject({ ok: true, version: "0.1.0", pending: 0 });
    const event = JSON.stringify({ type: "custom", message: "who am I?" });
    expect((await gateway.post("/clawhip/event", event, { "content-type": "application/json" })).status).toBe(401);
    expect((await fetch(`${gateway.url}/clawhip/health`)).status).toBe(401);
  });

  it("accepts an OMX hook envelope on /clawhip/api/omx/hook and delivers it to the Discord stand-in", async () => {
    const reply = await gateway.post(
      "/clawhip/api/omx/hook",
      JSON.stringify({
        schema_version: "1",
        event: "notify",
        context: { normalized_event: "test-failed", session_name: "issue-65", error_summary: "1 failed" },
      }),
      json,
    );
    expect(reply).toEqual({ status: 202, body: { ok: true, type: "session.test-failed", event_id: expect.any(String) } });
    await receiver.waitFor(
      (rs) => rs.some((r) => r.body.content === "[omx issue-65] test-failed · issue #65 · error: 1 failed"),
      15_000,
      "the omx delivery",
    );
  });

  it("accepts an OMC event on /clawhip/event and delivers {text} to the Slack stand-in", async () => {
    const body = {
      type: "post-tool-use",
      payload: {
        signal: { routeKey: "pull-request.created", summary: "https://github.com/o/r/pull/67" },
        context: { sessionId: "issue-65", projectName: "clawhip" },
      },
    };
    const reply = await gateway.post("/clawhip/event", JSON.stringify(body), json);
    expect(reply.status).toBe(202);
    await receiver.waitFor(
      (rs) =>
        rs.some((r) => r.body.text === "omc issue-65 pr-created (repo=clawhip, issue=#65, pr=#67, summary=https://github.com/o/r/pull/67)"),
      15_000,
      "the omc delivery",
    );
  });

  it("answers bad input through the gateway with the same envelopes", async () => {
    expect(await gateway.post("/clawhip/api/omx/hook", JSON.stringify({ schema_version: "2", context: {} }), json)).toEqual({
      status: 400,
      body: { ok: false, error: "unsupported schema_version '2'" },
    });
    expect((await gateway.post("/clawhip/event", "type=x", { ...json, "content-type": "text/plain" })).status).toBe(415);
    expect((await gateway.post("/clawhip/event", "{", json)).status).toBe(400);
  });
});

/** The payloads delivered on the lifecycle route (rendered `raw`: the event's JSON in `content`). */
function lifecyclePayloads(): Array<Record<string, unknown>> {
  return receiver.requests
    .filter((r) => r.path.split("?")[0] === LIFECYCLE_PATH)
    .map((r) => JSON.parse(String((r.body as { content?: unknown }).content)) as Record<string, unknown>);
}

describe("clawhip lifecycle events from real OpenClaw agent runs (demo model)", () => {
  let client: OpenMeowSDKClient;
  let sessionKey: string;

  beforeAll(async () => {
    client = createOpenMeowSDKClient({ gateway: gateway.wsUrl, token: gateway.token });
    await client.connect();
    const agents = (await client.listAgents()) as { defaultId: string };
    ({ sessionKey } = await client.createLaneSession({ agentId: agents.defaultId, label: "clawhip lifecycle e2e" }));
  });

  afterAll(async () => {
    await client?.close();
  });

  /** Runs one turn to its end; `onEvent` sees each event as it arrives (e.g. to stop the run). */
  async function runToEnd(message: string, onEvent?: (event: OpenClawEvent, runId: string) => Promise<void>): Promise<OpenClawEvent[]> {
    const { runId } = await client.send(sessionKey, message);
    const events: OpenClawEvent[] = [];
    for await (const event of client.events(runId)) {
      events.push(event);
      await onEvent?.(event, runId);
    }
    return events;
  }

  /** Runs whose end an earlier test already claimed. */
  const seenRuns = new Set<string>();

  /** The run's start and end as delivered, once its end has arrived. */
  async function deliveredRun(runEnd: string): Promise<{ started: Record<string, unknown>; ended: Record<string, unknown> }> {
    const ends = () => lifecyclePayloads().filter((p) => p.session_key === sessionKey && p.contract_event === runEnd);
    const known = new Set(seenRuns);
    await receiver.waitFor(() => ends().some((p) => !known.has(String(p.run_id))), 30_000, `${runEnd} of the run`);
    const ended = ends().find((p) => !known.has(String(p.run_id))) as Record<string, unknown>;
    seenRuns.add(String(ended.run_id));
    const payloads = lifecyclePayloads();
    const startedAt = payloads.findIndex((p) => p.run_id === ended.run_id && p.contract_event === "session.started");
    expect(startedAt, "session.started delivered before the run's end").toBeGreaterThanOrEqual(0);
    expect(startedAt).toBeLessThan(payloads.findIndex((p) => p.event_id === ended.event_id));
    return { started: payloads[startedAt] as Record<string, unknown>, ended };
  }
  it("a completed run delivers session.started, then session.finished, for its session and run", async () => {
    const events = await runToEnd("hello clawhip");
    expect(events.at(-1)?.type).toBe("run.completed");
    const { started, ended } = await deliveredRun("session.finished");
    const run = { tool: "openclaw", source: "openclaw", agent_id: "main", session_key: sessionKey, run_id: ended.run_id };
    expect(started).toMatchObject({ ...run, event_id: `openclaw-run:${String(ended.run_id)}:start` });
    expect(ended).toMatchObject({ ...run, event_id: `openclaw-run:${String(ended.run_id)}:end`, elapsed_secs: expect.any(Number) });
    // One started per run, however many model calls it made.
    expect(lifecyclePayloads().filter((p) => p.event_id === started.event_id)).toHaveLength(1);
  });

  it("a run stopped by the client delivers session.started, then session.failed", async () => {
    let cancelled = false;
    const events = await runToEnd("take 20 seconds", async (event, runId) => {
      if (cancelled || event.type !== "assistant.delta") return;
      cancelled = true;
      await client.cancel(runId, sessionKey);
    });
    expect(events.at(-1)?.type).toBe("run.cancelled");
    const { started, ended } = await deliveredRun("session.failed");
    expect(started.run_id).toBe(ended.run_id);
    expect(ended).toMatchObject({ session_key: sessionKey, error_message: expect.any(String) });
  });
});
