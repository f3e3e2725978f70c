import { ClawhipTmuxRegistrationSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { renderEvent } from "../render/render-event.js";
import { collectKeywordHits, type PaneSnapshot, TmuxWatchState } from "./tmux-core.js";

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
