import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import diagnostics from "@clawbridge/diagnostics";
import { gatewayProtocolValidator, type ProtocolValidator } from "@clawbridge/e2e-harness";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAME_SCHEMAS, type Frame, frameChecks, RecordingClient, runScriptedSession } from "../protocol-session.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let host: LocalHost;
let validator: ProtocolValidator;

beforeAll(async () => {
  // The schemas come from the installed openclaw package (MIT), read at test time: nothing is copied.
  validator = await gatewayProtocolValidator(FRAME_SCHEMAS);
  host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "om-schema-")),
    logger: quiet,
    agents: ["main"],
    gatewayProtocol: { deltaIntervalMs: 1 },
  });
  await host.load(diagnostics);
  await host.start();
});
afterAll(async () => host?.stop());

/** Every schema problem of every frame, with the frame's index and kind. */
function problemsOf(frames: Frame[], sent: Map<string, string>): string[] {
  return frames.flatMap((frame, index) =>
    frameChecks(frame, (id) => sent.get(id)).flatMap(({ schema, value }) =>
      validator.problems(schema, value).map((problem) => `#${index} ${frame.type}:${String(frame.event ?? frame.id)} ${problem}`),
    ),
  );
}

describe("LocalHost's Gateway frames against the protocol schema shipped in openclaw", () => {
  it("the validator is the real one: it refuses a frame with a field the schema does not have", () => {
    expect(validator.problems("AgentEventSchema", { runId: "r", seq: 1, stream: "lifecycle", ts: 1, data: {} })).toEqual([]);
    expect(
      validator.problems("AgentEventSchema", { runId: "r", seq: 1, stream: "lifecycle", ts: 1, data: {}, sessionKey: "k" }),
    ).not.toEqual([]);
    expect(validator.problems("HelloOkSchema", { type: "hello-ok" })).not.toEqual([]);
  });

  it("every frame of a scripted session validates: handshake, agents, lane, tools, a reply, a tool turn, a stopped run, an error", async () => {
    const session = await runScriptedSession(`ws://127.0.0.1:${host.port}`, host.token);
    const sent = new Map(session.calls.map((call) => [String(call.response.id), call.method]));
    expect(session.frames.length).toBeGreaterThan(30);
    expect(session.frames.filter((f) => f.event === "agent").length).toBeGreaterThan(10);
    expect(problemsOf(session.frames, sent)).toEqual([]);
  });

  it("every frame of an approval run and of refused requests validates", async () => {
    const client = await RecordingClient.open(`ws://127.0.0.1:${host.port}`);
    const sent = new Map<string, string>();
    const call = async (method: string, params: unknown) => {
      const response = await client.call(method, params);
      sent.set(String(response.id), method);
      return response;
    };
    try {
      await client.until((f) => f.event === "connect.challenge");
      await call("connect", {
        minProtocol: 4,
        maxProtocol: 4,
        client: { id: "gateway-client", version: "1", platform: "node", mode: "backend" },
        scopes: ["operator.admin"],
        caps: ["tool-events"],
        auth: { token: host.token },
      });
      const created = await call("sessions.create", { agentId: "main" });
      const key = String((created.payload as { key: string }).key);
      const run = await call("sessions.send", { key, message: "tool and approval please" });
      const runId = String((run.payload as { runId: string }).runId);
      const asked = await client.until((f) => f.event === "exec.approval.requested");
      await call("exec.approval.resolve", { id: (asked.payload as { id: string }).id, decision: "deny" });
      await call("agent.wait", { runId, timeoutMs: 10_000 });
      await call("sessions.send", { key: "__proto__", message: "x" });
      await call("no.such.method", {});
      await call("agent.identity.get", { agentId: "nobody" });
    } finally {
      client.close();
    }
    expect(client.frames.some((f) => f.event === "exec.approval.resolved")).toBe(true);
    expect(client.frames.filter((f) => f.type === "res" && f.ok === false).length).toBe(3);
    expect(problemsOf(client.frames, sent)).toEqual([]);
  });
});
