import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import clawhip from "../index.js";
import { agentEndEvent, runStartedEvent } from "./lifecycle-events.js";
import { runtimeSlot } from "./runtime-slot.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const receiver = new WebhookReceiver();
let host: LocalHost;
let stateDir: string;

beforeAll(async () => {
  await receiver.start();
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-plugin-"));
  host = new LocalHost({
    stateDir,
    logger: quiet,
    agent: (request) => {
      if (request.message.includes("explode")) throw new Error("model overloaded");
      return { text: "done" };
    },
  });
  await host.load(clawhip, {
    config: {
      config: {
        routes: [
          { event: "session.*", filter: { tool: "openclaw" }, webhook: `${receiver.url}/api/webhooks/openclaw/x`, format: "inline" },
          { event: "session.*", filter: { tool: "omx" }, slack_webhook: `${receiver.url}/services/omx` },
        ],
      },
    },
  });
  await host.start();
});

afterAll(async () => {
  await host.stop();
  await receiver.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("clawhip OpenClaw plugin (LocalHost)", () => {
  it("serves the ingress routes under /clawhip, behind the host's token by default, and delivers what they accept", async () => {
    const auth = { authorization: `Bearer ${host.token}` };
    expect((await fetch(`${host.url}/clawhip/event`, { method: "POST", body: "{}" })).status).toBe(401);
    const response = await fetch(`${host.url}/clawhip/api/omx/hook`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({
        schema_version: "1",
        event: "notify",
        context: { normalized_event: "pr-created", session_name: "issue-65", pr_number: 72 },
      }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ ok: true, type: "session.pr-created" });
    await receiver.waitFor((rs) =>
      rs.some((r) => r.path === "/services/omx" && r.body.text === "omx issue-65 pr-created (issue=#65, pr=#72)"),
    );
    const health = (await (await fetch(`${host.url}/clawhip/health`, { headers: auth })).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    expect((await fetch(`${host.url}/clawhip/event`, { method: "POST", headers: auth, body: "x" })).status).toBe(415);
  });

  it("turns each agent run into session.started (its first model call) and session.finished / session.failed (agent_end)", async () => {
    await host.runAgentTurn({ message: "hello", agentId: "main", sessionKey: "agent:main:s2" });
    await receiver.waitFor(
      (rs) =>
        rs.some((r) => r.body.content === "[openclaw agent:main:s2] started") &&
        rs.some((r) => /^\[openclaw agent:main:s2\] finished · \d+s$/.test(r.body.content)),
      5000,
      "session.started and session.finished",
    );

    await expect(host.runAgentTurn({ message: "please explode", agentId: "main", sessionKey: "agent:main:s3" })).rejects.toThrow(
      "model overloaded",
    );
    await receiver.waitFor(
      (rs) => rs.some((r) => /^\[openclaw agent:main:s3\] failed · \d+s · error: model overloaded$/.test(r.body.content)),
      5000,
      "session.failed",
    );
  });

  it("a run's second model call adds no second session.started: the run id is the event id", async () => {
    const ctx = { runId: "run-twice", agentId: "main", sessionKey: "agent:main:twice" };
    const call = { runId: "run-twice", provider: "p", model: "m", sessionKey: "agent:main:twice" };
    await host.runHook("model_call_started", { ...call, callId: "run-twice:0" }, ctx);
    await host.runHook("model_call_started", { ...call, callId: "run-twice:1" }, ctx);
    await host.runHook("agent_end", { runId: "run-twice", messages: [], success: true, durationMs: 10 }, ctx);
    await receiver.waitFor((rs) => rs.some((r) => r.body.content?.startsWith?.("[openclaw agent:main:twice] finished")), 5000, "the end");
    expect(receiver.requests.filter((r) => r.body.content === "[openclaw agent:main:twice] started")).toHaveLength(1);
  });
});

describe("a lifecycle hook of another registration of the plugin (as OpenClaw's discovery load runs them)", () => {
  it("delivers through the runtime the full registration's service started, and waits for one that is still starting", async () => {
    const hooksStateDir = join(stateDir, "two-registrations");
    const settings = {
      config: {
        routes: [
          { event: "session.*", filter: { tool: "openclaw" }, webhook: `${receiver.url}/api/webhooks/openclaw/two`, format: "inline" },
        ],
      },
    };
    // The registration whose hooks run: loaded, never started (OpenClaw starts the services of another).
    const hooksOnly = new LocalHost({ stateDir: hooksStateDir, logger: quiet });
    await hooksOnly.load(clawhip, { config: settings });
    const ctx = { runId: "run-two", agentId: "main", sessionKey: "agent:main:two" };
    const ended = hooksOnly.runHook("agent_end", { runId: "run-two", messages: [], success: true, durationMs: 1000 }, ctx);

    const full = new LocalHost({ stateDir: hooksStateDir, logger: quiet });
    await full.load(clawhip, { config: settings });
    await full.start();
    try {
      await ended;
      await receiver.waitFor(
        (rs) =>
          rs.some((r) => r.path.startsWith("/api/webhooks/openclaw/two?") && r.body.content === "[openclaw agent:main:two] finished · 1s"),
        5000,
        "the end, delivered by the started registration",
      );
    } finally {
      await full.stop();
    }
    expect(
      runtimeSlot(JSON.stringify({ ...settings, routePrefix: "/clawhip", routeAuth: "gateway", emitLifecycle: true })).current(),
    ).toBeUndefined();
  });
});

describe('routeAuth: "plugin"', () => {
  const body = JSON.stringify({ type: "custom", message: "hi" });
  const headers = { "content-type": "application/json" };

  it("item 10: needs clawhip's own [daemon].token on a public route instead of the host's", async () => {
    const token = "clawhip-ingress-token-0123456789";
    const openHost = new LocalHost({ stateDir: join(stateDir, "plugin-auth"), logger: quiet, publicRoutes: ["/clawhip/event"] });
    await openHost.load(clawhip, { config: { routeAuth: "plugin", emitLifecycle: false, config: { daemon: { token } } } });
    await openHost.start();
    try {
      expect((await fetch(`${openHost.url}/clawhip/event`, { method: "POST", headers, body })).status).toBe(401);
      const withHostToken = await fetch(`${openHost.url}/clawhip/event`, {
        method: "POST",
        headers: { ...headers, authorization: `Bearer ${openHost.token}` },
        body,
      });
      expect(withHostToken.status).toBe(401);
      const authorized = await fetch(`${openHost.url}/clawhip/event`, {
        method: "POST",
        headers: { ...headers, authorization: `Bearer ${token}` },
        body,
      });
      expect(authorized.status).toBe(202);
    } finally {
      await openHost.stop();
    }
  });

  it("item 10: refuses every event, saying why, while no [daemon].token is set", async () => {
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (line: string) => warnings.push(line) };
    const openHost = new LocalHost({ stateDir: join(stateDir, "plugin-no-token"), logger, publicRoutes: ["/clawhip/event"] });
    await openHost.load(clawhip, { config: { routeAuth: "plugin", emitLifecycle: false } });
    await openHost.start();
    try {
      const reply = await fetch(`${openHost.url}/clawhip/event`, { method: "POST", headers, body });
      expect(reply.status).toBe(401);
      expect(await reply.json()).toEqual({ ok: false, error: expect.stringContaining("needs [daemon].token") });
      expect(warnings.join("\n")).toContain('routeAuth "plugin" without [daemon].token');
    } finally {
      await openHost.stop();
    }
  });
});

describe("the configured event sources", () => {
  it("runs the configured monitors as `clawhip serve` does: a workspace state file becomes a delivered event", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clawhip-plugin-monitors-"));
    const workspace = join(dir, "ws");
    await mkdir(join(workspace, ".omx", "state"), { recursive: true });
    const monitored = new LocalHost({ stateDir: join(dir, "state"), logger: quiet });
    await monitored.load(clawhip, {
      config: {
        config: {
          routes: [{ event: "*", webhook: `${receiver.url}/api/webhooks/monitors/x` }],
          monitors: { poll_interval_secs: 1, workspace: [{ path: workspace, debounce_ms: 1 }] },
        },
      },
    });
    await monitored.start();
    try {
      await writeFile(join(workspace, ".omx", "state", "hud-state.json"), JSON.stringify({ turn_count: 1, last_turn_at: "t1" }));
      await receiver.waitFor(
        (rs) =>
          rs.some((r) => r.path.startsWith("/api/webhooks/monitors/x") && r.body.content === "omx:ws · hud-state.json · turn 1 complete"),
        15_000,
        "the workspace event",
      );
    } finally {
      await monitored.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("lifecycle event mapping", () => {
  it("carries agent id, session key and session id as metadata", () => {
    expect(runStartedEvent({ agentId: "ops", sessionKey: "agent:ops:x", sessionId: "s1" }, "r0")).toEqual({
      kind: "session.started",
      payload: {
        tool: "openclaw",
        source: "openclaw",
        agent_name: "ops",
        agent_id: "ops",
        session_key: "agent:ops:x",
        session_name: "agent:ops:x",
        session_id: "s1",
        run_id: "r0",
        event_id: "openclaw-run:r0:start",
      },
    });
    const failed = agentEndEvent(
      { agentId: "ops", sessionKey: undefined, sessionId: undefined },
      { success: false, durationMs: 2600, runId: "r1" },
    );
    expect(failed).toEqual({
      kind: "session.failed",
      payload: {
        tool: "openclaw",
        source: "openclaw",
        agent_name: "ops",
        agent_id: "ops",
        elapsed_secs: 3,
        run_id: "r1",
        event_id: "openclaw-run:r1:end",
        error_message: "agent run failed",
      },
    });
  });
});
