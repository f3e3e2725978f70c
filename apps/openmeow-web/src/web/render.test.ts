import { initialOpenMeowUIState, openMeowRunStartedEvent, reduceOpenMeowUIState } from "@clawbridge/openmeow-sdk/browser";
import { describe, expect, it } from "vitest";
import { parseAppConfig } from "./config.js";
import { escapeHtml, renderLane } from "./render.js";

describe("parseAppConfig", () => {
  it("reads gateway, token and waitMs from the fragment, which wins over the query", () => {
    expect(
      parseAppConfig({ hash: "#gateway=ws%3A%2F%2F127.0.0.1%3A1&token=t&waitMs=250", search: "?gateway=ws://other", hostname: "x" }),
    ).toEqual({
      gateway: "ws://127.0.0.1:1",
      token: "t",
      waitMs: 250,
    });
    expect(parseAppConfig({ hash: "", search: "", hostname: "" })).toEqual({ gateway: "ws://127.0.0.1:18789", waitMs: 5_000 });
    expect(parseAppConfig({ hash: "#waitMs=-3&password=p", search: "", hostname: "h" })).toEqual({
      gateway: "ws://h:18789",
      waitMs: 5_000,
      password: "p",
    });
  });
});

describe("renderLane", () => {
  const run = { runId: "r1", sessionKey: "agent:main:lane" };
  const view = (state = initialOpenMeowUIState({ sessionKey: run.sessionKey })) => ({
    agentId: "main",
    title: "main",
    sessionKey: run.sessionKey,
    state,
    turns: [{ runId: "r1", prompt: "<b>hi</b>" }],
    draftInput: "",
  });

  it("escapes user text and shows Send when idle", () => {
    const html = renderLane(view());
    expect(html).toContain("&lt;b&gt;hi&lt;/b&gt;");
    expect(html).toContain('data-action="send"');
    expect(escapeHtml(`"'&`)).toBe("&quot;&#39;&amp;");
  });

  it("shows Stop, the draft, cards with approve/deny, and the wait-deadline badge while streaming", () => {
    let state = reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey: run.sessionKey }), openMeowRunStartedEvent(run));
    state = reduceOpenMeowUIState(state, { type: "assistant.delta", runId: "r1", data: { delta: "Hel" } });
    state = reduceOpenMeowUIState(state, { type: "tool.call.started", runId: "r1", data: { name: "clawbridge_status", toolCallId: "c1" } });
    state = reduceOpenMeowUIState(state, { type: "approval.requested", runId: "r1", data: { id: "a1", commandText: "rm x" } });
    state = reduceOpenMeowUIState(state, { kind: "wait_deadline", terminal: false, status: "accepted", runId: "r1", raw: {} });
    const html = renderLane(view(state));
    expect(html).toContain('data-action="stop"');
    expect(html).toContain('data-testid="assistant-draft">Hel<');
    expect(html).toContain('data-testid="tool-card" data-phase="started"');
    expect(html).toContain('data-action="approve" data-approval="a1"');
    expect(html).toContain('data-testid="wait-deadline"');
  });
});
