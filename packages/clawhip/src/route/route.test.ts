import { describe, expect, it } from "vitest";
import { normalizeEvent } from "../normalize/normalize-event.js";
import { renderEvent } from "../render/render-event.js";
import { parseConfigToml } from "./config-file.js";
import { globMatch } from "./glob.js";
import { resolveDeliveries } from "./resolve-deliveries.js";
import { contextValue, fillTemplate, templateContext } from "./template-context.js";

const env = { now: () => "2026-04-01T00:00:00.000Z", uuid: () => "00000000-0000-4000-8000-00000000000b" };

function config(toml: string) {
  const parsed = parseConfigToml(toml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

describe("globMatch", () => {
  it("matches exactly, or with anchored pieces around stars", () => {
    expect(globMatch("session.*", "session.failed")).toBe(true);
    expect(globMatch("session.*", "agent.failed")).toBe(false);
    expect(globMatch("*", "")).toBe(true);
    expect(globMatch("a*b*c", "abc")).toBe(true);
    expect(globMatch("a*b*c", "acb")).toBe(false);
    expect(globMatch("ab*ba", "aba")).toBe(false);
    expect(globMatch("Session.*", "session.x")).toBe(false);
  });
});

describe("resolveDeliveries", () => {
  const omx = (extra: Record<string, unknown> = {}) =>
    normalizeEvent(
      { kind: "notify", payload: { context: { normalized_event: "finished", session_name: "issue-9", repo_name: "clawhip", ...extra } } },
      env,
    );

  it("only family globs cross-match agent.* and session.*", () => {
    const cfg = config(`
[defaults]
channel = "d"
[[routes]]
event = "session.finished"
channel = "exact"
[[routes]]
event = "agent.*"
channel = "family"
`);
    const agent = normalizeEvent({ kind: "agent.finished", payload: { agent_name: "omx" } }, env);
    const plan = resolveDeliveries(agent, cfg);
    expect(plan.ok && plan.deliveries.map((d) => d.target.value)).toEqual(["family"]);
    const prCreated = normalizeEvent({ kind: "pr-created", payload: { tool: "omx" } }, env);
    const fallback = resolveDeliveries(prCreated, cfg);
    expect(fallback.ok && fallback.deliveries.map((d) => [d.route, d.target.value])).toEqual([[null, "d"]]);
  });

  it("drops session-name-glob-only routes for events that carry metadata (upstream's metadata-first rule)", () => {
    const cfg = config(`
[defaults]
channel = "d"
[[routes]]
event = "session.*"
filter = { session_name = "issue-*" }
channel = "by-session"
[[routes]]
event = "session.*"
filter = { session_name = "issue-*", tool = "omx" }
channel = "by-session-and-tool"
`);
    const plan = resolveDeliveries(omx(), cfg);
    expect(plan.ok && plan.deliveries.map((d) => d.target.value)).toEqual(["by-session-and-tool"]);
  });

  it("route mention and template; event channel wins for custom events", () => {
    const cfg = config(`
[defaults]
channel = "d"
[[routes]]
event = "session.*"
channel = "r"
mention = "<@1>"
template = "{repo} #{issue_number} {event} ({payload_event})"
[[routes]]
event = "custom"
channel = "route-channel"
`);
    const withPayloadEvent = normalizeEvent(
      {
        kind: "notify",
        payload: { event: "raw-name", context: { normalized_event: "finished", session_name: "issue-9", repo_name: "clawhip" } },
      },
      env,
    );
    const plan = resolveDeliveries(withPayloadEvent, cfg);
    expect(plan.ok && plan.deliveries[0]?.content).toBe("<@1> clawhip #9 session.finished (raw-name)");
    const custom = normalizeEvent({ kind: "custom", channel: "event-channel", payload: { message: "hi" } }, env);
    const customPlan = resolveDeliveries(custom, cfg);
    expect(customPlan.ok && customPlan.deliveries.map((d) => [d.target.value, d.content])).toEqual([["event-channel", "hi"]]);
  });

  it("skips a delivery that cannot be rendered and says why", () => {
    const cfg = config(`[defaults]\nchannel = "d"`);
    const plan = resolveDeliveries(normalizeEvent({ kind: "custom", payload: {} }, env), cfg);
    expect(plan).toEqual({ ok: true, deliveries: [], skipped: ["route default: missing string field 'message'"] });
  });
});

describe("templateContext", () => {
  it("flattens the payload with dotted keys and stringifies values like upstream", () => {
    const context = templateContext({ kind: "x", payload: { a: { b: [1, "2"], c: null, d: true }, n: 4.5 } });
    expect(Object.fromEntries(context)).toMatchObject({
      "a.b": '[1,"2"]',
      "a.c": "null",
      "a.d": "true",
      n: "4.5",
      event: "x",
      route_key: "x",
    });
    expect(fillTemplate("{n}/{missing}/{a.d}", context)).toBe("4.5/{missing}/true");
  });

  it("contextValue agrees with the full context for every key, aliases and misses included", () => {
    const events = [
      {
        kind: "session.finished",
        channel: "ev-chan",
        mention: "@m",
        payload: { repo_name: "r", event: "raw", context: { branch: "b", n: [1] }, channel_hint: "h", x: null },
      },
      {
        kind: "custom",
        format: "raw" as const,
        payload: { repo: "only-repo", session: "s", route_key: "rk", contract_event: "c", mention: "payload-mention" },
      },
    ];
    for (const event of events) {
      const full = templateContext(event);
      for (const [key, value] of full) expect(contextValue(event, key), key).toBe(value);
      for (const key of ["missing", "context.missing", "context", "repo", "session_name", "channel_hint"])
        expect(contextValue(event, key), key).toBe(full.get(key));
    }
  });
});

describe("renderEvent", () => {
  it("renders unknown kinds as sorted compact JSON, and raw as sorted pretty JSON", () => {
    const event = { kind: "pre-tool-use", payload: { b: 1, a: { d: 2, c: "é" } } };
    expect(renderEvent(event, "compact")).toBe('{"a":{"c":"é","d":2},"b":1}');
    expect(renderEvent(event, "raw")).toBe('{\n  "a": {\n    "c": "é",\n    "d": 2\n  },\n  "b": 1\n}');
  });
  it("alert-prefixes session and agent lines, and the payload mention prefixes the body", () => {
    const session = normalizeEvent({ kind: "failed", payload: { tool: "omx", mention: "@ops", summary: "boom" } }, env);
    expect(renderEvent(session, "alert")).toBe("🚨 @ops omx failed (summary=boom, error=boom)");
    const agent = normalizeEvent({ kind: "agent.blocked", payload: { agent_name: "w", project: "p", elapsed_secs: 3 } }, env);
    expect(renderEvent(agent, "inline")).toBe("[agent:w] blocked · project=p · elapsed=3s");
  });
});

describe("config", () => {
  it("names every problem in a bad config", () => {
    const bad = parseConfigToml(`
[[routes]]
event = "x"
filter = { issue_number = 65 }
[[routes]]
event = "y"
sink = "slack"
channel = "c"
[[routes]]
event = "z"
sink = "teams"
`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error).toContain("routes.0.filter.issue_number: filter values must be strings");
    expect(bad.error).toContain('route #2 (y) must set webhook or slack_webhook when sink = "slack"');
    expect(bad.error).toContain('route #2 (y) cannot set channel when sink = "slack"');
    expect(bad.error).toContain("routes.2.sink");
    expect(parseConfigToml("[defaults\n").ok).toBe(false);
    const both = parseConfigToml('[[routes]]\nevent = "session.*"\nchannel = "1"\nwebhook = "https://discord.com/api/webhooks/1/x"\n');
    expect(both.ok || both.error).toBe("invalid clawhip config: route #1 (session.*) cannot set both channel and webhook");
  });
});
