import { ClawhipTmuxRegistrationSchema, ClawhipTmuxSessionMonitorSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { renderEvent } from "../render/render-event.js";
import { collectKeywordHits, type PaneSnapshot, resolveConfiguredSessions, TmuxWatchState } from "./tmux-core.js";

const hit = (keyword: string, line: string) => ({ keyword, line });

describe("collectKeywordHits (upstream keyword_window.rs cases)", () => {
  it.each([
    [
      "dedups the same keyword and line, case-insensitively",
      "done",
      "done\nerror: failed\nerror: failed\nERROR: FAILED",
      ["error"],
      [hit("error", "error: failed"), hit("error", "ERROR: FAILED")],
    ],
    [
      "detects a re-appended identical line",
      "done\nerror: failed",
      "done\nerror: failed\nerror: failed",
      ["error"],
      [hit("error", "error: failed")],
    ],
    [
      "uses the snapshot overlap once history scrolls",
      "one\ntwo\nthree",
      "two\nthree\nerror: failed",
      ["error"],
      [hit("error", "error: failed")],
    ],
    [
      "ignores the launchers' own lifecycle emit lines",
      "boot",
      'boot\nfunction else>     clawhip emit agent.failed --agent omx --error "exit $exit_code" || true\nerror: real failure',
      ["error", "FAILED"],
      [hit("error", "error: real failure")],
    ],
    [
      "ignores the tmux wrapper's audit lines",
      "boot",
      "boot\nclawhip tmux cli-new start session=issue-166 keywords=error registered_at=2026-04-07T09:58:00Z parent_pid=4242\nerror: real failure",
      ["error"],
      [hit("error", "error: real failure")],
    ],
    [
      "ignores wrapped exit-error boilerplate",
      "boot",
      'boot\n  --error "exit $exit_code" \\\nFAILED: actual application failure',
      ["error", "FAILED"],
      [hit("FAILED", "FAILED: actual application failure")],
    ],
    ["finds nothing without keywords", "a", "a\nerror", [], []],
    ["ignores the blank rows below a pane's output", "$ run\n\n\n", "$ run\nerror: boom\n\n", ["error"], [hit("error", "error: boom")]],
  ] as const)("%s", (_name, previous, current, keywords, expected) => {
    expect(collectKeywordHits(previous, current, keywords)).toEqual(expected);
  });
});

const registration = (extra: object = {}) =>
  ClawhipTmuxRegistrationSchema.parse({ session: "issue-24", keywords: ["error", "complete"], ...extra });
const pane = (content: string, extra: Partial<PaneSnapshot> = {}): PaneSnapshot => ({
  paneId: "%1",
  session: "issue-24",
  paneName: "0.0",
  dead: false,
  content,
  ...extra,
});
const MIN = 60_000;

describe("TmuxWatchState", () => {
  it("collects hits for the window, then sends them as one aggregated event (upstream session_keyword_hits_aggregate_across_panes_and_dedup_within_window)", () => {
    const state = new TmuxWatchState();
    const reg = registration({ keyword_window_secs: 30, channel: "alerts", mention: "@ops" });
    expect(state.observe(reg, [pane("boot")], 0)).toEqual([]);
    expect(state.observe(reg, [pane("boot\nerror: build failed")], 1000)).toEqual([]);
    expect(state.observe(reg, [pane("boot\nerror: build failed\njob complete"), pane("x", { paneId: "%2" })], 2000)).toEqual([]);
    const [event] = state.observe(reg, [pane("boot\nerror: build failed\njob complete")], 31_000);
    expect(event).toMatchObject({
      kind: "tmux.keyword",
      channel: "alerts",
      mention: "@ops",
      payload: { session: "issue-24", hit_count: 2 },
    });
    expect(renderEvent({ kind: "tmux.keyword", payload: event?.payload as Record<string, unknown> }, "compact")).toBe(
      "tmux:issue-24 matched 2 keyword hits:\n- 'error': error: build failed\n- 'complete': job complete",
    );
  });

  it("a single hit is a plain keyword event", () => {
    const state = new TmuxWatchState();
    const reg = registration({ keyword_window_secs: 1 });
    state.observe(reg, [pane("$")], 0);
    state.observe(reg, [pane("$\nerror: boom")], 100);
    expect(state.observe(reg, [pane("$\nerror: boom")], 1100)).toEqual([
      { kind: "tmux.keyword", payload: { session: "issue-24", keyword: "error", line: "error: boom" } },
    ]);
  });

  it("when the session ends, pending hits are sent at once (upstream session_keyword_hits_flush_when_window_expires)", () => {
    const state = new TmuxWatchState();
    const reg = registration();
    state.observe(reg, [pane("$")], 0);
    state.observe(reg, [pane("$\nerror: boom")], 100);
    expect(state.end(reg, 200)).toHaveLength(1);
    expect(state.end(reg, 300)).toEqual([]);
  });

  it("a quiet pane is reported once per stale period (upstream stale_minutes_nonzero_still_emits)", () => {
    const state = new TmuxWatchState();
    const reg = registration({ stale_minutes: 10 });
    state.observe(reg, [pane("$ make\nbuilding")], 0);
    expect(state.observe(reg, [pane("$ make\nbuilding")], 9 * MIN)).toEqual([]);
    const stale = state.observe(reg, [pane("$ make\nbuilding")], 10 * MIN);
    expect(stale).toEqual([{ kind: "tmux.stale", payload: { session: "issue-24", pane: "0.0", minutes: 10, last_line: "building" } }]);
    expect(renderEvent({ kind: "tmux.stale", payload: stale[0]?.payload as Record<string, unknown> }, "compact")).toBe(
      "tmux:issue-24 pane 0.0 stale for 10m (last: building)",
    );
    expect(state.observe(reg, [pane("$ make\nbuilding")], 15 * MIN)).toEqual([]);
    expect(state.observe(reg, [pane("$ make\nbuilding")], 20 * MIN)).toHaveLength(1);
  });

  it("stale_minutes 0 turns stale reports off, and a dead pane is never stale (upstream stale_minutes_zero_disables_stale_detection, pane_dead_suppresses_stale_alert)", () => {
    const off = new TmuxWatchState();
    off.observe(registration({ stale_minutes: 0 }), [pane("x")], 0);
    expect(off.observe(registration({ stale_minutes: 0 }), [pane("x")], 999 * MIN)).toEqual([]);
    const dead = new TmuxWatchState();
    dead.observe(registration({ stale_minutes: 1 }), [pane("x", { dead: true })], 0);
    expect(dead.observe(registration({ stale_minutes: 1 }), [pane("x", { dead: true })], 5 * MIN)).toEqual([]);
  });

  it("a registration validates its session name and numbers", () => {
    expect(ClawhipTmuxRegistrationSchema.safeParse({ session: "a:b" }).success).toBe(false);
    expect(ClawhipTmuxRegistrationSchema.safeParse({ session: "ok", stale_minutes: -1 }).success).toBe(false);
    expect(ClawhipTmuxRegistrationSchema.parse({ session: "__proto__" }).session).toBe("__proto__");
  });
});

const cfg = (session: string, channel: string, keyword: string) =>
  ClawhipTmuxSessionMonitorSchema.parse({ session, channel, keywords: [keyword] });

/** upstream source/tmux.rs `resolve_monitored_sessions_*`: [monitors, live sessions, expected session → channel/keywords]. */
describe("[[monitors.tmux.sessions]] resolved against the live sessions", () => {
  it.each([
    [
      "expands_glob_patterns_to_actual_sessions",
      [cfg("rcc-*", "alerts", "panic")],
      ["rcc-api", "rcc-web", "other"],
      { "rcc-api": ["alerts", "panic"], "rcc-web": ["alerts", "panic"] },
    ],
    [
      "keeps_keywords_isolated_per_actual_session",
      [cfg("rcc-*", "rcc-alerts", "panic"), cfg("omx-*", "omx-alerts", "error")],
      ["rcc-prod", "omx-prod"],
      { "omx-prod": ["omx-alerts", "error"], "rcc-prod": ["rcc-alerts", "panic"] },
    ],
    [
      "keeps_exact_sessions_when_listing_is_unavailable",
      [cfg("exact-session", "alerts", "panic"), cfg("rcc-*", "alerts", "panic")],
      undefined,
      { "exact-session": ["alerts", "panic"] },
    ],
    [
      "prefers_exact_match_over_glob_overlap",
      [cfg("*", "default-alerts", "error"), cfg("rcc-api", "rcc-alerts", "panic")],
      ["rcc-api"],
      { "rcc-api": ["rcc-alerts", "panic"] },
    ],
    [
      "prefers_more_specific_glob_over_broader_glob",
      [cfg("*", "default-alerts", "error"), cfg("rcc-*", "rcc-alerts", "panic")],
      ["rcc-api", "omx-api"],
      { "omx-api": ["default-alerts", "error"], "rcc-api": ["rcc-alerts", "panic"] },
    ],
    [
      "breaks_same_literal_ties_with_fewer_wildcards",
      [cfg("*abc*", "broad-alerts", "error"), cfg("abc*", "specific-alerts", "panic")],
      ["abc-prod"],
      { "abc-prod": ["specific-alerts", "panic"] },
    ],
  ])("%s", (_name, monitors, live, expected) => {
    const resolved = resolveConfiguredSessions(monitors, live === undefined ? undefined : new Set(live), "2026-04-02T00:00:00Z");
    const got = Object.fromEntries([...resolved].map(([session, r]) => [session, [r.channel, ...r.keywords]]));
    expect(got).toEqual(expected);
    for (const [session, r] of resolved) {
      expect(r.session).toBe(session);
      expect(ClawhipTmuxRegistrationSchema.safeParse(r).success).toBe(true);
    }
  });

  it("config monitors carry upstream's defaults (keyword window 30 s, stale after 10 min) and refuse a ':' in the name", () => {
    expect(ClawhipTmuxSessionMonitorSchema.parse({ session: "api-*" })).toMatchObject({
      keywords: [],
      keyword_window_secs: 30,
      stale_minutes: 10,
    });
    expect(ClawhipTmuxSessionMonitorSchema.safeParse({ session: "a:b" }).success).toBe(false);
  });
});
