import { describe, expect, it } from "vitest";
import { normalizeGatewayEvent } from "./normalize.js";
import { runStatusFromWaitPayload } from "./wait-status.js";

const agent = (stream: string, data: Record<string, unknown>) =>
  normalizeGatewayEvent({ event: "agent", seq: 3, payload: { runId: "r", seq: 1, stream, ts: 5, data, sessionKey: "k" } });

describe("normalizeGatewayEvent", () => {
  it("maps agent streams to SDK types with ids and run fields", () => {
    const started = agent("lifecycle", { phase: "start" });
    expect(started).toMatchObject({
      version: 1,
      id: "3:agent:r:k:5",
      type: "run.started",
      runId: "r",
      sessionKey: "k",
      data: { phase: "start" },
    });
    expect(agent("assistant", { delta: "x" }).type).toBe("assistant.delta");
    expect(agent("assistant", { text: "x" }).type).toBe("assistant.message");
    expect(agent("thinking", { delta: "x" }).type).toBe("thinking.delta");
    expect(agent("tool", { phase: "start" }).type).toBe("tool.call.started");
    expect(agent("tool", { phase: "update" }).type).toBe("tool.call.delta");
    expect(agent("tool", { phase: "end", status: "failed" }).type).toBe("tool.call.failed");
    expect(agent("tool", { phase: "end" }).type).toBe("tool.call.completed");
    expect(agent("approval", { phase: "resolved" }).type).toBe("approval.resolved");
    expect(agent("approval", {}).type).toBe("approval.requested");
    expect(agent("error", {}).type).toBe("run.failed");
  });

  it("orders lifecycle end checks like the gateway", () => {
    expect(agent("lifecycle", { phase: "end" }).type).toBe("run.completed");
    expect(agent("lifecycle", { phase: "end", timeoutPhase: "provider" }).type).toBe("run.timed_out");
    expect(agent("lifecycle", { phase: "end", status: "aborted", stopReason: "rpc" }).type).toBe("run.cancelled");
    expect(agent("lifecycle", { phase: "end", aborted: true, stopReason: "stop" }).type).toBe("run.cancelled");
    expect(agent("lifecycle", { phase: "end", status: "timeout" }).type).toBe("run.timed_out");
    expect(agent("lifecycle", { phase: "error" }).type).toBe("run.failed");
  });

  it("maps named events and keeps malformed agent payloads as raw", () => {
    expect(normalizeGatewayEvent({ event: "exec.approval.requested", payload: { id: "a" } }).type).toBe("approval.requested");
    expect(normalizeGatewayEvent({ event: "sessions.changed", payload: { reason: "create" } }).type).toBe("session.created");
    expect(normalizeGatewayEvent({ event: "chat", payload: { runId: "r" } })).toMatchObject({ type: "raw", runId: "r" });
    expect(normalizeGatewayEvent({ event: "agent", payload: { runId: "r", stream: 5 } }).type).toBe("raw");
    expect(normalizeGatewayEvent({ event: "agent" }).type).toBe("raw");
  });
});

describe("runStatusFromWaitPayload", () => {
  it("separates the wait deadline from the runtime timeout", () => {
    expect(runStatusFromWaitPayload({ runId: "r", status: "timeout" })).toBe("accepted");
    expect(runStatusFromWaitPayload({ status: "timeout", endedAt: 2 })).toBe("timed_out");
    expect(runStatusFromWaitPayload({ status: "timeout", stopReason: "rpc" })).toBe("cancelled");
    expect(runStatusFromWaitPayload({ status: "ok" })).toBe("completed");
    expect(runStatusFromWaitPayload({ status: "error" })).toBe("failed");
    expect(runStatusFromWaitPayload({ status: "pending" })).toBe("accepted");
  });
});
