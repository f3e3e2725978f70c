import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import diagnostics from "@clawbridge/diagnostics";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  comparable,
  differences,
  type Frame,
  isSubsequence,
  type RecordedSession,
  runKinds,
  runScriptedSession,
} from "../protocol-session.js";

const diagnosticsDir = resolve(import.meta.dirname, "../../../diagnostics");
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let model: RunningDemoModel;
let gateway: RunningGateway;
let host: LocalHost;
let real: RecordedSession;
let local: RecordedSession;

beforeAll(async () => {
  model = await startDemoModel();
  gateway = await startOpenClawGateway({ plugins: [{ dir: diagnosticsDir }], model: { baseUrl: model.baseUrl, modelId: model.modelId } });
  host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "om-side-")),
    logger: quiet,
    agents: ["main"],
    gatewayProtocol: { deltaIntervalMs: 5 },
  });
  await host.load(diagnostics);
  await host.start();
  // The same call sequence, over raw WebSockets, against both.
  real = await runScriptedSession(gateway.wsUrl, gateway.token);
  local = await runScriptedSession(`ws://127.0.0.1:${host.port}`, host.token);
});

afterAll(async () => {
  await host?.stop();
  await gateway?.stop();
  await model?.close();
});

const payload = (frame: Frame) => (frame.ok ? frame.payload : frame.error);

describe("LocalHost and the real gateway, side by side (same calls, frames compared without ids and timestamps)", () => {
  it("answers every call with the same shape and words: LocalHost says nothing the real gateway does not", () => {
    expect(local.calls.map((c) => [c.method, c.response.ok])).toEqual(real.calls.map((c) => [c.method, c.response.ok]));
    const found = local.calls.flatMap((call, index) =>
      differences(
        comparable(payload(call.response)),
        comparable(payload((real.calls[index] as { response: Frame }).response)),
        call.method,
      ),
    );
    expect(found).toEqual([]);
  });

  it("streams each run as the real gateway does: its kinds of events in the same order, each shaped like the real one's", () => {
    for (const name of ["reply", "tool", "long"] as const) {
      const localKinds = runKinds(local.frames, local.runs[name]);
      const realKinds = runKinds(real.frames, real.runs[name]);
      expect(isSubsequence(localKinds, realKinds), `${name}: ${localKinds.join(" ")}\nreal: ${realKinds.join(" ")}`).toBe(true);
      const realEvents = real.frames.filter((f) => f.type === "event" && (f.payload as { runId?: string })?.runId === real.runs[name]);
      for (const frame of local.frames.filter((f) => f.type === "event" && (f.payload as { runId?: string })?.runId === local.runs[name])) {
        const kind = runKinds([frame], local.runs[name])[0];
        const twins = realEvents.filter((f) => runKinds([f], real.runs[name])[0] === kind);
        const closest = twins.map((twin) => differences(comparable(frame), comparable(twin)));
        expect(
          closest.some((found) => found.length === 0),
          `${name} ${kind}: ${JSON.stringify(closest.sort((a, b) => a.length - b.length)[0])}`,
        ).toBe(true);
      }
    }
  });

  it("ends a stopped run the same way: chat aborted (rpc), lifecycle cancelled, agent.wait error/rpc", () => {
    for (const session of [local, real]) {
      const kinds = runKinds(session.frames, session.runs.long);
      expect(kinds).toContain("agent:lifecycle:end:cancelled");
      expect(kinds.indexOf("chat:aborted")).toBeLessThan(kinds.indexOf("agent:lifecycle:end:cancelled"));
      const wait = session.calls.filter((c) => c.method === "agent.wait").at(-1)?.response.payload;
      expect(wait).toMatchObject({ status: "error", stopReason: "rpc", endedAt: expect.any(Number) });
    }
  });
});
