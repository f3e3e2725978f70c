import { ClawhipExplanationSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { acceptIngress } from "../ingress/accept.js";
import { parseConfigObject } from "./config-file.js";
import { explainRouting, explanationText } from "./explain.js";

function configOf(value: unknown) {
  const parsed = parseConfigObject(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

function explain(config: ReturnType<typeof configOf>, body: { type: string; payload: object }) {
  const outcome = acceptIngress("event", body, config);
  if (!outcome.ok) throw new Error(outcome.body.error);
  return ClawhipExplanationSchema.parse(explainRouting(outcome.event, body.type, config));
}

const commit = (branch: string, summary: string) => ({
  type: "git.commit",
  payload: { repo: "clawhip", branch, commit: "abc123", short_commit: "abc123", summary },
});

describe("explainRouting (upstream router.rs explain tests)", () => {
  it("shows the matched route with its filter details (explain_shows_matched_route_with_filter_details)", () => {
    const config = configOf({
      defaults: { channel: "default" },
      routes: [{ event: "git.commit", filter: { repo_name: "clawhip" }, channel: "commits", mention: "@devs" }],
    });
    const e = explain(config, commit("main", "ship it"));
    expect(e.canonical_kind).toBe("git.commit");
    expect(e.route_candidates).toContain("git.commit");
    expect(e.routes).toEqual([
      {
        route_index: 0,
        event_pattern: "git.commit",
        matched: true,
        pattern_matched: true,
        filter_results: [{ key: "repo_name", pattern: "clawhip", actual: "clawhip", matched: true }],
        dropped_for_metadata: false,
      },
    ]);
    expect(e.deliveries).toEqual([
      {
        route: 0,
        sink: "discord",
        target: { kind: "discord-channel", value: "commits" },
        format: "compact",
        content: "@devs git:clawhip@main abc123 ship it",
      },
    ]);
  });

  it("reports a filter mismatch and the default delivery it falls through to (explain_reports_filter_mismatch)", () => {
    const config = configOf({
      defaults: { channel: "default" },
      routes: [{ event: "git.commit", filter: { branch: "main" }, channel: "commits" }],
    });
    const e = explain(config, commit("feature", "wip"));
    expect(e.routes[0]).toMatchObject({
      matched: false,
      pattern_matched: true,
      filter_results: [{ key: "branch", actual: "feature", matched: false }],
    });
    expect(e.deliveries).toMatchObject([{ route: null, target: { value: "default" } }]);
    expect(explanationText(e)).toContain('[skip ] #0 event="git.commit" ✗branch:"main"→"feature"');
  });

  it("a pattern mismatch skips the route (explain_pattern_mismatch_skips_route)", () => {
    const config = configOf({ defaults: { channel: "fallback" }, routes: [{ event: "github.*", channel: "github" }] });
    const e = explain(config, { type: "tmux.keyword", payload: { session: "dev", keyword: "error", line: "segfault" } });
    expect(e.routes[0]).toMatchObject({ matched: false, pattern_matched: false });
    expect(explanationText(e)).toContain("(pattern mismatch)");
    expect(e.deliveries[0]?.target.value).toBe("fallback");
  });

  it("names the metadata-first drop of a session-name-only route, and a missing filter value", () => {
    const config = configOf({
      routes: [
        { event: "session.*", filter: { session_name: "issue-*" }, channel: "c" },
        { event: "session.*", filter: { branch: "main" }, channel: "d" },
      ],
    });
    const e = explain(config, { type: "session.started", payload: { tool: "omx", session_name: "issue-1", repo_name: "clawhip" } });
    expect(e.routes[0]).toMatchObject({ matched: false, dropped_for_metadata: true });
    expect(e.routes[1]?.filter_results[0]).toEqual({ key: "branch", pattern: "main", actual: null, matched: false });
    expect(e.error).toBe("no channel configured for event session.started");
    expect(explanationText(e)).toContain("→<missing>");
  });
});
