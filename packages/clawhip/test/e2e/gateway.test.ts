import { resolve } from "node:path";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const receiver = new WebhookReceiver();
let gateway: RunningGateway;

beforeAll(async () => {
  await receiver.start();
  gateway = await startOpenClawGateway({
    plugins: [
      {
        dir: pluginDir,
        allowConversationAccess: true,
        config: {
          config: {
            routes: [
              { event: "session.*", filter: { tool: "omx" }, webhook: `${receiver.url}/api/webhooks/gw/omx`, format: "inline" },
              { event: "session.*", filter: { tool: "omc" }, slack_webhook: `${receiver.url}/services/gw/omc` },
            ],
          },
        },
      },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
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
