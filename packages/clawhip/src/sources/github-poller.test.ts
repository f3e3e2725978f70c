import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ClawhipGithubCiSnapshot,
  ClawhipGithubPollerFileSchema,
  type ClawhipGitRepoMonitorInput,
  ClawhipGitRepoMonitorSchema,
  ClawhipMonitorsSchema,
} from "@clawbridge/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGithub } from "../../test/support/fake-github.js";
import { systemRun } from "../hooks/hook-context.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { renderEvent } from "../render/render-event.js";
import { ciEventKind, ciEvents, issueEvents, mergeCiSnapshots, type PollContext, parseGithubRepo } from "./github-poll-core.js";
import { GITHUB_POLLER_FILE, GithubPoller } from "./github-poller.js";

const payloadOf = (event: IncomingEvent) => event.payload as Record<string, unknown>;
const ctx = (monitor: Partial<PollContext["monitor"]> = {}): PollContext => ({
  monitor,
  repoName: "clawhip",
  idPrefix: "github-poll:o/r:0",
});

/** upstream github.rs `ci_snapshot`. */
function ci(number: number, workflow: string, status: string, conclusion?: string): ClawhipGithubCiSnapshot {
  return {
    key: `run:1:${workflow}`,
    number,
    workflow,
    status,
    ...(conclusion === undefined ? {} : { conclusion }),
    sha: "abcdef1234567890",
    url: "https://github.com/Yeachan-Heo/clawhip/actions/runs/1",
    branch: "feat/github-ci-events",
    run_id: "1",
    run_job_count: 1,
    run_all_terminal: status === "completed",
  };
}

describe("GitHub poller decisions (upstream source/github.rs cases)", () => {
  it("new_issue_events_apply_route_channel_and_mention: a new issue is github.issue-opened for the repo", () => {
    const events = issueEvents(ctx({ channel: "dev-channel" }), [], [{ number: 2, title: "live issue", state: "open", comments: 0 }]);
    expect(events.map((e) => e.kind)).toEqual(["github.issue-opened"]);
    expect(payloadOf(events[0] as IncomingEvent)).toMatchObject({ repo: "clawhip", number: 2, title: "live issue" });
    expect(events[0]?.channel).toBe("dev-channel");
  });

  it("issue_comment_and_close_events_are_emitted", () => {
    const events = issueEvents(
      ctx(),
      [{ number: 2, title: "live issue", state: "open", comments: 0 }],
      [{ number: 2, title: "live issue", state: "closed", comments: 1 }],
    );
    expect(events.map((e) => e.kind).sort()).toEqual(["github.issue-closed", "github.issue-commented"]);
  });

  it("initial_ci_detection_emits_started_event_with_route_metadata", () => {
    const [event, ...rest] = ciEvents(
      ctx({ channel: "dev-channel", mention: "<@123>", format: "alert" }),
      [],
      [ci(58, "CI / test", "in_progress")],
    );
    expect(rest).toEqual([]);
    expect(event?.kind).toBe("github.ci-started");
    expect(event?.channel).toBe("dev-channel");
    expect(event?.mention).toBe("<@123>");
    expect(event?.format).toBe("alert");
    expect(payloadOf(event as IncomingEvent)).toMatchObject({
      repo: "clawhip",
      number: 58,
      workflow: "CI / test",
      status: "in_progress",
      sha: "abcdef1234567890",
      url: "https://github.com/Yeachan-Heo/clawhip/actions/runs/1",
    });
  });

  it("unchanged_ci_state_is_suppressed", () => {
    expect(ciEvents(ctx(), [ci(58, "CI / test", "in_progress")], [ci(58, "CI / test", "in_progress")])).toEqual([]);
  });

  it.each([
    ["ci_state_transition_to_failed_emits_failed_event", "failure", "github.ci-failed"],
    ["ci_state_transition_to_passed_emits_passed_event", "success", "github.ci-passed"],
    ["ci_state_transition_to_cancelled_emits_cancelled_event", "cancelled", "github.ci-cancelled"],
  ])("%s", (_name, conclusion, kind) => {
    const events = ciEvents(ctx(), [ci(58, "CI / test", "in_progress")], [ci(58, "CI / test", "completed", conclusion)]);
    expect(events.map((e) => e.kind)).toEqual([kind]);
    expect(payloadOf(events[0] as IncomingEvent)).toMatchObject({ workflow: "CI / test", status: "completed", conclusion });
  });

  it.each([
    ["queued", undefined, "github.ci-started"],
    ["completed", "neutral", "github.ci-passed"],
    ["completed", "skipped", "github.ci-passed"],
    ["completed", "timed_out", "github.ci-failed"],
    ["completed", undefined, "github.ci-failed"],
  ])("classify_ci_event_kind(%s, %s) = %s", (status, conclusion, kind) => {
    expect(ciEventKind(status, conclusion)).toBe(kind);
  });

  it.each([
    ["git@github.com:Yeachan-Heo/clawhip.git", "Yeachan-Heo/clawhip"],
    ["https://github.com/Yeachan-Heo/clawhip", "Yeachan-Heo/clawhip"],
    ["ssh://git@github.com/Yeachan-Heo/clawhip.git", "Yeachan-Heo/clawhip"],
    ["https://gitlab.com/x/y.git", undefined],
  ])("parses_github_repo_urls: %s", (remote, repo) => {
    expect(parseGithubRepo(remote)).toBe(repo);
  });

  it("a direct run a PR check already reported is not counted twice", () => {
    const pr = { ...ci(42, "test", "completed", "failure"), key: "run:123:test", run_id: "123" };
    const direct = { ...ci(0, "CI", "completed", "failure"), key: "run:123:CI", run_id: "123" };
    expect(mergeCiSnapshots([pr], [direct]).map((c) => c.key)).toEqual(["run:123:test"]);
  });
});

describe("GithubPoller against a local GitHub API", () => {
  let github: FakeGithub;
  let dir: string;
  let events: IncomingEvent[];
  let logs: string[];
  let clock: number;
  const pollers: GithubPoller[] = [];

  beforeEach(async () => {
    github = new FakeGithub("ultraworkers/claw-code");
    await github.start();
    dir = await mkdtemp(join(tmpdir(), "clawhip-ghpoll-"));
    events = [];
    logs = [];
    clock = Date.UTC(2026, 0, 1);
  });
  afterEach(async () => {
    for (const poller of pollers.splice(0)) await poller.close();
    await github.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A poller for `repo` that collects its events into `events`, unless told another `emit`. */
  async function poller(
    repo: ClawhipGitRepoMonitorInput,
    token?: string,
    emit = async (event: IncomingEvent) => {
      events.push(event);
    },
  ): Promise<GithubPoller> {
    const started = await GithubPoller.start(
      {
        stateDir: join(dir, "state"),
        repos: [ClawhipGitRepoMonitorSchema.parse(repo)],
        apiBase: github.url,
        token,
        intervalMs: 1000,
        fetch,
        run: systemRun,
        env: process.env,
        now: () => clock,
        emit,
        log: (level, message) => logs.push(`${level}: ${message}`),
      },
      false,
    );
    pollers.push(started);
    return started;
  }

  const missing = () => join(dir, "no-clone-here");
  const paths = () => github.requests.map((r) => new URL(r.url, "http://x").pathname);

  it("snapshot_falls_back_to_configured_github_repo_without_local_clone; the first poll is a baseline, the next reports", async () => {
    github.issues = [{ number: 1, title: "old", state: "open", comments: 0 }];
    const p = await poller({ path: missing(), name: "private-repo", github_repo: "ultraworkers/claw-code" });
    await p.pollOnce();
    expect(events).toEqual([]);
    expect(paths()).toEqual(["/repos/ultraworkers/claw-code/issues"]);
    expect(github.requests[0]?.url).toContain("state=all");
    expect(github.requests[0]?.url).toContain("per_page=100");

    github.issues = [
      { number: 1, title: "old", state: "closed", comments: 2 },
      { number: 2, title: "new bug", state: "open", comments: 0 },
      { number: 3, title: "a PR", state: "open", comments: 0, pull_request: { url: "x" } },
    ];
    await p.pollOnce();
    expect(events.map((e) => [e.kind, payloadOf(e).number])).toEqual([
      ["github.issue-closed", 1],
      ["github.issue-commented", 1],
      ["github.issue-opened", 2],
    ]);
    expect(renderEvent({ kind: "github.issue-opened", payload: payloadOf(events[2] as IncomingEvent) }, "compact")).toBe(
      "private-repo#2 opened: new bug",
    );
  });

  it("direct_branch_workflow_run_without_open_pr: the clone's remote and branch pick the repo and the runs; the first poll only primes", async () => {
    const clone = join(dir, "claw-code");
    const git = (...args: string[]) => execFileSync("git", ["-C", clone, ...args], { encoding: "utf8" });
    execFileSync("git", ["init", "-q", "-b", "main", clone]);
    git("remote", "add", "origin", "git@github.com:ultraworkers/claw-code.git");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init");
    github.workflowRuns = [
      {
        id: 24007460067,
        name: "Rust CI",
        status: "completed",
        conclusion: "failure",
        head_branch: "main",
        head_sha: "deadbeef",
        html_url: "https://github.com/ultraworkers/claw-code/actions/runs/24007460067",
        pull_requests: [],
      },
    ];
    const p = await poller({ path: clone, emit_issue_opened: false, emit_pr_status: true });
    await p.pollOnce();
    expect(events).toEqual([]);
    const runs = github.requests.find((r) => r.url.startsWith("/repos/ultraworkers/claw-code/actions/runs?"));
    expect(runs?.url).toContain("branch=main");
    expect(runs?.url).toContain("event=push");
    expect(runs?.url).toContain("per_page=100");

    github.workflowRuns = [
      {
        ...(github.workflowRuns[0] as object),
        id: 24007460068,
        html_url: "https://github.com/ultraworkers/claw-code/actions/runs/24007460068",
      },
    ];
    await p.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(["github.ci-failed"]);
    expect(payloadOf(events[0] as IncomingEvent)).toMatchObject({
      repo: "claw-code",
      workflow: "Rust CI",
      branch: "main",
      run_id: "24007460068",
    });
    expect(payloadOf(events[0] as IncomingEvent).number).toBeUndefined();
  });

  it("direct_workflow_runs_skip_run_ids_already_seen_from_pr_checks; a PR's status changes are reported", async () => {
    const pr = (state: string, merged_at: string | null = null) => ({
      number: 42,
      title: "PR",
      state,
      merged_at,
      html_url: "https://github.com/org/repo/pull/42",
      head: { ref: "feat/pr", sha: "prsha" },
    });
    github.pulls = [pr("open")];
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code", emit_issue_opened: false, emit_pr_status: true });
    await p.pollOnce();
    github.checkRuns.set("prsha", [
      {
        name: "test",
        status: "completed",
        conclusion: "failure",
        details_url: "https://github.com/org/repo/actions/runs/123/jobs/1",
        head_sha: "prsha",
      },
    ]);
    github.workflowRuns = [
      {
        id: 123,
        name: "CI",
        status: "completed",
        conclusion: "failure",
        head_branch: "feat/pr",
        head_sha: "prsha",
        html_url: "https://github.com/org/repo/actions/runs/123",
        pull_requests: [{ number: 42 }],
      },
      {
        id: 456,
        name: "Rust CI",
        status: "completed",
        conclusion: "failure",
        head_branch: "main",
        head_sha: "mainsha",
        html_url: "https://github.com/org/repo/actions/runs/456",
        pull_requests: [],
      },
    ];
    github.requests.length = 0;
    await p.pollOnce();
    expect(paths()).toEqual([
      "/repos/ultraworkers/claw-code/pulls",
      "/repos/ultraworkers/claw-code/commits/prsha/check-runs",
      "/repos/ultraworkers/claw-code/actions/runs",
    ]);
    expect(events.map((e) => [e.kind, payloadOf(e).workflow, payloadOf(e).number ?? null, payloadOf(e).run_id])).toEqual([
      ["github.ci-failed", "Rust CI", null, "456"],
      ["github.ci-failed", "test", 42, "123"],
    ]);
    expect(payloadOf(events[1] as IncomingEvent)).toMatchObject({ run_job_count: 1, run_all_terminal: true, branch: "feat/pr" });

    events.length = 0;
    github.pulls = [pr("closed", "2026-01-01T00:00:00Z")];
    await p.pollOnce();
    expect(events.map((e) => [e.kind, payloadOf(e).old_status, payloadOf(e).new_status])).toEqual([
      ["github.pr-status-changed", "open", "merged"],
    ]);
  });

  it("github_client_includes_bearer_auth_when_token_configured, and the token is never logged", async () => {
    github.fail.push({ status: 500, body: "boom" });
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" }, "secret-token-value");
    await p.pollOnce();
    await p.pollOnce();
    expect(github.requests.map((r) => r.headers.authorization)).toEqual(["Bearer secret-token-value", "Bearer secret-token-value"]);
    expect(logs.join("\n")).toContain("failed with 500: boom");
    expect(logs.join("\n")).not.toContain("secret-token-value");
  });

  it("source_loop_survives_transient_github_api_errors: a 500 keeps the baseline, the next poll goes on", async () => {
    github.issues = [{ number: 1, title: "a", state: "open", comments: 0 }];
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await p.pollOnce();
    github.fail.push({ status: 500, body: "boom" });
    await p.pollOnce();
    github.issues.push({ number: 2, title: "b", state: "open", comments: 0 });
    await p.pollOnce();
    expect(github.requests.map((r) => r.status)).toEqual([200, 500, 200]);
    expect(events.map((e) => payloadOf(e).number)).toEqual([2]);
  });

  it("what it saw survives a restart: nothing is re-emitted, a change made while it was down is reported", async () => {
    github.issues = [{ number: 1, title: "a", state: "open", comments: 0 }];
    const first = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await first.pollOnce();
    github.issues.push({ number: 2, title: "b", state: "open", comments: 0 });
    await first.pollOnce();
    expect(events.map((e) => payloadOf(e).number)).toEqual([2]);
    await first.close();
    const saved = ClawhipGithubPollerFileSchema.parse(JSON.parse(await readFile(join(dir, "state", GITHUB_POLLER_FILE), "utf8")));
    expect(saved.repos[0]?.issues?.map((i) => i.number)).toEqual([1, 2]);

    // Opened while no poller ran: the saved state is the baseline, so it is reported (a fresh baseline would swallow it).
    github.issues.push({ number: 3, title: "c", state: "open", comments: 0 });
    const second = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await second.pollOnce();
    expect(events.map((e) => payloadOf(e).number)).toEqual([2, 3]);
    await second.pollOnce();
    expect(events).toHaveLength(2);
    // Each poll's ids differ, so a real repeat (reopened and closed again) is not taken for a replay.
    expect(payloadOf(events[0] as IncomingEvent).event_id).not.toBe(payloadOf(events[1] as IncomingEvent).event_id);
  });

  it("a poll re-run after a failed emit reuses its event ids, so the spool's dedupe drops the replay", async () => {
    github.issues = [];
    let failNext = false;
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" }, undefined, async (event) => {
      if (failNext) throw new Error("spool unavailable");
      events.push(event);
    });
    await p.pollOnce();
    github.issues = [{ number: 7, title: "x", state: "open", comments: 0 }];
    failNext = true;
    await expect(p.pollOnce()).rejects.toThrow("spool unavailable");
    failNext = false;
    await p.pollOnce();
    expect(events.map((e) => payloadOf(e).event_id)).toEqual(["github-poll:ultraworkers/claw-code:1:github.issue-opened:7"]);
  });

  it("unchanged answers come back as 304 for the ETag it sent, and still report nothing new", async () => {
    github.issues = [{ number: 1, title: "a", state: "open", comments: 0 }];
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await p.pollOnce();
    await p.pollOnce();
    expect(github.requests.map((r) => r.status)).toEqual([200, 304]);
    expect(github.requests[1]?.headers["if-none-match"]).toMatch(/^"[0-9a-f]{40}"$/);
    expect(events).toEqual([]);
  });

  it("a spent rate limit pauses polling until GitHub's reset time", async () => {
    const reset = Math.floor(clock / 1000) + 60;
    github.fail.push({ status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) } });
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await p.pollOnce();
    await p.pollOnce();
    expect(github.requests).toHaveLength(1);
    expect(logs.some((l) => l.includes(`polling resumes at ${new Date(reset * 1000).toISOString()}`))).toBe(true);
    clock = reset * 1000;
    await p.pollOnce();
    expect(github.requests).toHaveLength(2);
  });

  it("an answer that is not what the endpoint returns is logged and changes nothing", async () => {
    github.fail.push({ status: 200, body: '{"not":"a list"}' });
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await p.pollOnce();
    expect(logs.join("\n")).toMatch(/GitHub issues polling failed for .*unexpected answer/);
    github.issues = [{ number: 1, title: "a", state: "open", comments: 0 }];
    await p.pollOnce();
    expect(events).toEqual([]);
  });

  it("a GitHub API that is gone (connection refused) is logged, and the next poll tries again", async () => {
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await github.stop();
    await p.pollOnce();
    expect(logs.join("\n")).toMatch(/GitHub issues polling failed for .*fetch failed/);
    expect(events).toEqual([]);
  });

  it("an answer over the size cap is refused without being read whole", async () => {
    github.fail.push({ status: 200, body: " ".repeat(16 * 1024 * 1024 + 1) });
    const p = await poller({ path: missing(), github_repo: "ultraworkers/claw-code" });
    await p.pollOnce();
    expect(logs.join("\n")).toContain("the answer is over 16777216 bytes");
  });

  it("a repository with neither GitHub repo nor GitHub remote is skipped with a warning", async () => {
    const p = await poller({ path: missing() });
    await p.pollOnce();
    expect(github.requests).toEqual([]);
    expect(logs).toEqual([`warn: GitHub poller: no GitHub repository configured or inferred for ${missing()}`]);
  });
});

describe("[monitors] config (upstream config.rs defaults)", () => {
  it("defaults: 5 s polls, api.github.com, issues on and PR status off per repo", () => {
    const monitors = ClawhipMonitorsSchema.parse({ git: { repos: [{ path: "/tmp/clawhip" }] } });
    expect(monitors.poll_interval_secs).toBe(5);
    expect(monitors.github_api_base).toBe("https://api.github.com");
    expect(monitors.git.repos[0]).toMatchObject({ remote: "origin", emit_issue_opened: true, emit_pr_status: false });
    expect(monitors.tmux).toEqual({ poll_interval_ms: 1000, sessions: [] });
    expect(monitors.workspace).toEqual([]);
  });

  it.each([
    [{ git: { repos: [{ path: "" }] } }, "git.repos.0.path"],
    [{ git: { repos: [{ path: "/x", github_repo: "not a repo" }] } }, "git.repos.0.github_repo"],
    [{ poll_interval_secs: 0 }, "poll_interval_secs"],
    [{ github_api_base: "not a url" }, "github_api_base"],
  ])("refuses %j at %s", (input, path) => {
    const parsed = ClawhipMonitorsSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join(".")).toBe(path);
  });
});
