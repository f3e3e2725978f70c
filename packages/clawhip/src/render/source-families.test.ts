import type { ClawhipFormat } from "@clawbridge/contracts";
import { ClawhipGitCommitPayloadSchema, ClawhipGithubCiPayloadSchema, ClawhipGithubReleasePayloadSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { acceptIngress } from "../ingress/accept.js";
import { priorityFor } from "../normalize/kinds.js";
import { defaultConfig } from "../route/config-file.js";
import { RenderError, renderEvent } from "./render-event.js";

const commit = (sha: string, summary: string) => ({ commit: sha, short_commit: sha.slice(0, 7), summary });
const push = (summaries: string[]) => {
  const commits = summaries.map((s, i) => commit(String(i + 1).repeat(16), s));
  return ClawhipGitCommitPayloadSchema.parse({ repo: "repo", branch: "main", ...commits[0], commit_count: commits.length, commits });
};
const release = (action: string, tag: string, name: string, prerelease: boolean) =>
  ClawhipGithubReleasePayloadSchema.parse({
    repo: "Yeachan-Heo/clawhip",
    tag,
    name,
    action,
    is_prerelease: prerelease,
    url: `https://github.com/Yeachan-Heo/clawhip/releases/tag/${tag}`,
  });

/**
 * Each family's texts as upstream 0.6.7's tests assert them (named in `upstream`); the expected strings
 * are upstream's, the payloads are built the way its constructors build them.
 */
const CASES: Array<{
  upstream: string;
  kind: string;
  payload: object;
  expect: Partial<Record<ClawhipFormat, string>>;
  contains?: string[];
}> = [
  {
    upstream: "events.rs git_commit_events_keep_single_commit_rendering",
    kind: "git.commit",
    payload: { repo: "repo", branch: "main", ...commit("1234567890abcdef", "ship it") },
    expect: {
      compact: "git:repo@main 1234567 ship it",
      alert: "🚨 new commit in repo@main: 1234567 ship it",
      inline: "[git] repo ship it",
    },
  },
  {
    upstream: "events.rs git_commit_events_aggregate_multi_commit_pushes",
    kind: "git.commit",
    payload: push(["first", "second", "third"]),
    expect: { compact: "git:repo@main pushed 3 commits:\n- first\n- second\n- third" },
  },
  {
    upstream: "events.rs aggregated_git_commit_render_truncates_after_first_three_and_last_two",
    kind: "git.commit",
    payload: push(["one", "two", "three", "four", "five", "six"]),
    expect: {
      compact: "git:repo@main pushed 6 commits:\n- one\n- two\n- three\n... and 1 more\n- five\n- six",
      alert: "🚨 git:repo@main pushed 6 commits:\n- one\n- two\n- three\n... and 1 more\n- five\n- six",
    },
  },
  {
    upstream: "render/default.rs renders_git_commit_with_worktree_suffix_when_distinct",
    kind: "git.commit",
    payload: {
      repo: "repo",
      branch: "main",
      ...commit("1234567890abcdef", "ship it"),
      repo_path: "/repo/root",
      worktree_path: "/repo/root/.worktrees/issue-115",
    },
    expect: { compact: "git:repo[wt:issue-115]@main 1234567 ship it" },
  },
  {
    upstream: "render/default.rs does_not_render_worktree_suffix_for_primary_repo_path",
    kind: "git.commit",
    payload: {
      repo: "repo",
      branch: "main",
      ...commit("1234567890abcdef", "ship it"),
      repo_path: "/repo/root",
      worktree_path: "/repo/root",
    },
    expect: { compact: "git:repo@main 1234567 ship it" },
  },
  {
    upstream: "events.rs tmux_keyword_events_aggregate_multi_hit_windows",
    kind: "tmux.keyword",
    payload: {
      session: "issue-24",
      keyword: "error",
      line: "build failed",
      hit_count: 2,
      hits: [
        { keyword: "error", line: "build failed" },
        { keyword: "complete", line: "job complete" },
      ],
    },
    expect: {
      compact: "tmux:issue-24 matched 2 keyword hits:\n- 'error': build failed\n- 'complete': job complete",
      alert: "🚨 tmux session issue-24 hit 2 keyword matches:\n- 'error': build failed\n- 'complete': job complete",
      inline: "[tmux:issue-24] 'error': build failed · 'complete': job complete",
    },
  },
  {
    upstream: "router.rs tmux keyword delivery (tmux:issue-25 matched 'error' => boom)",
    kind: "tmux.keyword",
    payload: { session: "issue-25", keyword: "error", line: "boom" },
    expect: { compact: "tmux:issue-25 matched 'error' => boom" },
  },
  {
    upstream: "events.rs renders_github_ci_failed_in_compact_and_alert_formats",
    kind: "github.ci-failed",
    payload: ClawhipGithubCiPayloadSchema.parse({
      repo: "clawhip",
      number: 58,
      workflow: "CI / test",
      status: "completed",
      conclusion: "failure",
      sha: "abcdef1234567890",
      url: "https://github.com/Yeachan-Heo/clawhip/actions/runs/1",
      branch: "feat/branch",
    }),
    expect: {
      compact: "CI failed · clawhip#58 · CI / test · failure · abcdef1 · https://github.com/Yeachan-Heo/clawhip/actions/runs/1",
      alert: "🚨 CI failed · clawhip#58 · CI / test · failure · abcdef1 · https://github.com/Yeachan-Heo/clawhip/actions/runs/1",
    },
  },
  {
    upstream: "render/default.rs renders_release_inline_format",
    kind: "github.release-published",
    payload: release("published", "v0.6.0", "clawhip 0.6.0", false),
    expect: { inline: "[release] Yeachan-Heo/clawhip v0.6.0" },
    contains: ["release published", "Yeachan-Heo/clawhip", "v0.6.0", "clawhip 0.6.0"],
  },
  {
    upstream: "render/default.rs renders_release_prerelease_compact_with_flag",
    kind: "github.release-prereleased",
    payload: release("prereleased", "v0.6.0-rc.1", "v0.6.0-rc.1", true),
    expect: {},
    contains: ["prereleased", "(prerelease)"],
  },
  {
    upstream: "render/default.rs renders_workspace_skill_event_compact",
    kind: "workspace.skill.activated",
    payload: { workspace_name: "repo-a", state_file: "skill-active-state.json", skill: "ralph", summary: "workspace skill state changed" },
    expect: {},
    contains: ["repo-a", "workspace skill state changed"],
  },
];

describe("source family renderers (upstream render/default.rs)", () => {
  it.each(CASES.map((c) => [c.upstream, c] as const))("%s", (_name, c) => {
    const event = { kind: c.kind, payload: c.payload as Record<string, unknown> };
    for (const [format, text] of Object.entries(c.expect)) expect(renderEvent(event, format as ClawhipFormat)).toBe(text);
    for (const part of c.contains ?? []) expect(renderEvent(event, "compact")).toContain(part);
  });

  it("the release alert is the compact text with the siren (upstream renders_release_alert_format)", () => {
    const text = renderEvent(
      { kind: "github.release-published", payload: release("published", "v0.6.0", "clawhip 0.6.0", false) },
      "alert",
    );
    expect(text.startsWith("🚨")).toBe(true);
    expect(text).toContain("release published");
  });

  it("a family payload without a required field is a render error (the delivery is skipped), not compact JSON", () => {
    expect(() => renderEvent({ kind: "git.commit", payload: { repo: "r" } }, "compact")).toThrow(RenderError);
    expect(() => renderEvent({ kind: "tmux.stale", payload: { session: "s", pane: "%1" } }, "compact")).toThrow(
      "missing integer field 'minutes'",
    );
  });

  it("after normalization the family still renders the same (the normalizer only adds metadata)", () => {
    const outcome = acceptIngress(
      "event",
      { type: "git.commit", payload: { repo: "repo", branch: "main", ...commit("1234567890abcdef", "ship it") } },
      defaultConfig(),
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && renderEvent(outcome.event, "compact")).toBe("git:repo@main 1234567 ship it");
  });
});

describe("priorities of the source families (upstream event/compat.rs priority_for)", () => {
  it.each([
    ["github.ci-failed", {}, "critical"],
    ["tmux.stale", {}, "high"],
    ["workspace.session.blocked", {}, "high"],
    ["github.release-published", {}, "high"],
    ["github.release-prereleased", {}, "high"],
    ["github.release-edited", {}, "normal"],
    ["github.pr-status-changed", { new_status: "merged" }, "high"],
    ["github.pr-status-changed", { new_status: "closed" }, "high"],
    ["github.pr-status-changed", { new_status: "opened" }, "normal"],
    ["git.commit", {}, "normal"],
  ] as const)("%s %j is %s", (kind, payload, priority) => {
    expect(priorityFor(kind, payload)).toBe(priority);
  });
});
