import type {
  ClawhipGithubCiPayload,
  ClawhipGithubCiSnapshot,
  ClawhipGithubIssuePayload,
  ClawhipGithubIssueSnapshot,
  ClawhipGithubPrSnapshot,
  ClawhipGithubPrStatusPayload,
  ClawhipGitRepoMonitor,
  GithubApiCheckRuns,
  GithubApiIssues,
  GithubApiPulls,
  GithubApiWorkflowRuns,
} from "@clawbridge/contracts";
import type { IncomingEvent } from "../normalize/incoming.js";

/**
 * The GitHub poller's decisions, without I/O: GitHub's REST answers → snapshots, and two snapshots of a
 * repository → the events between them, as upstream 0.6.7's `source/github.rs` decides them.
 */

/** `owner/name` from a GitHub remote URL (https, scp-style or ssh://), as upstream's `parse_github_repo`. */
export function parseGithubRepo(remote: string): string | undefined {
  const trimmed = remote.trim().replace(/(\.git)+$/, "");
  for (const prefix of ["git@github.com:", "https://github.com/", "ssh://git@github.com/"]) {
    if (trimmed.startsWith(prefix)) return trimmed.slice(prefix.length);
  }
  return undefined;
}

/** The name events carry: the monitor's `name`, else the last segment of its path. */
export function repoDisplayName(monitor: Pick<ClawhipGitRepoMonitor, "name" | "path">): string {
  return (
    monitor.name ??
    (monitor.path
      .split(/[\\/]/)
      .filter((s) => s !== "")
      .at(-1) ||
      monitor.path)
  );
}

export function issueSnapshots(issues: GithubApiIssues): ClawhipGithubIssueSnapshot[] {
  // The issues endpoint lists pull requests too; those are the pulls endpoint's.
  return issues
    .filter((i) => i.pull_request === undefined || i.pull_request === null)
    .map((i) => ({ number: i.number, title: i.title, state: i.state, comments: i.comments }));
}

export function prSnapshots(pulls: GithubApiPulls): ClawhipGithubPrSnapshot[] {
  return pulls.map((p) => ({
    number: p.number,
    title: p.title,
    status: p.merged_at ? "merged" : p.state,
    url: p.html_url,
    head_branch: p.head.ref,
    head_sha: p.head.sha,
  }));
}

/** The workflow run id in an Actions URL (`…/actions/runs/<id>/…`). */
export function workflowRunId(url: string): string | undefined {
  const tail = url.split("/actions/runs/")[1];
  const id = tail?.split("/")[0];
  return id === undefined || id === "" ? undefined : id;
}

/** A run's key: its run id and workflow when known, else PR number, sha and workflow. */
export function ciKey(ci: Pick<ClawhipGithubCiSnapshot, "run_id" | "workflow" | "number" | "sha">): string {
  if (ci.run_id !== undefined) return `run:${ci.run_id}:${ci.workflow}`;
  return `${ci.number ?? "none"}:${ci.sha}:${ci.workflow}`;
}

/** The check runs of an open PR's head commit; each knows how many jobs its workflow run has and whether all ended. */
export function checkRunSnapshots(runs: GithubApiCheckRuns, pr: ClawhipGithubPrSnapshot): ClawhipGithubCiSnapshot[] {
  const perRun = new Map<string, { jobs: number; allTerminal: boolean }>();
  for (const run of runs.check_runs) {
    const id = run.details_url ? workflowRunId(run.details_url) : undefined;
    if (id === undefined) continue;
    const summary = perRun.get(id) ?? { jobs: 0, allTerminal: true };
    summary.jobs += 1;
    summary.allTerminal &&= run.status === "completed";
    perRun.set(id, summary);
  }
  return runs.check_runs.map((run) => {
    const url = run.details_url || pr.url;
    const runId = workflowRunId(url);
    const summary = runId === undefined ? undefined : perRun.get(runId);
    const snapshot: ClawhipGithubCiSnapshot = {
      key: "",
      number: pr.number,
      workflow: run.name,
      status: run.status,
      sha: run.head_sha,
      url,
      branch: pr.head_branch,
      run_job_count: summary?.jobs ?? 1,
      run_all_terminal: summary?.allTerminal ?? run.status === "completed",
    };
    if (run.conclusion) snapshot.conclusion = run.conclusion;
    if (runId !== undefined) snapshot.run_id = runId;
    snapshot.key = ciKey(snapshot);
    return snapshot;
  });
}

/** Push-triggered workflow runs on the checked-out branch that belong to no PR (a PR's are its check runs). */
export function directRunSnapshots(runs: GithubApiWorkflowRuns): ClawhipGithubCiSnapshot[] {
  return runs.workflow_runs
    .filter((run) => run.pull_requests.length === 0)
    .map((run) => {
      const snapshot: ClawhipGithubCiSnapshot = {
        key: "",
        workflow: run.name ?? `workflow-run-${run.id}`,
        status: run.status,
        sha: run.head_sha,
        url: run.html_url,
        run_id: String(run.id),
        run_job_count: 1,
        run_all_terminal: run.status === "completed",
      };
      if (run.conclusion) snapshot.conclusion = run.conclusion;
      if (run.head_branch) snapshot.branch = run.head_branch;
      snapshot.key = ciKey(snapshot);
      return snapshot;
    });
}

/** PR check runs plus the direct runs whose run id no PR check already reported. */
export function mergeCiSnapshots(
  fromPrs: readonly ClawhipGithubCiSnapshot[],
  direct: readonly ClawhipGithubCiSnapshot[],
): ClawhipGithubCiSnapshot[] {
  const byKey = new Map<string, ClawhipGithubCiSnapshot>();
  const seenRuns = new Set<string>();
  for (const ci of fromPrs) {
    if (ci.run_id !== undefined) seenRuns.add(ci.run_id);
    byKey.set(ci.key, ci);
  }
  for (const ci of direct) if (ci.run_id === undefined || !seenRuns.has(ci.run_id)) byKey.set(ci.key, ci);
  return [...byKey.values()];
}

export function ciEventKind(status: string, conclusion: string | undefined): string {
  if (status !== "completed") return "github.ci-started";
  if (conclusion === "success" || conclusion === "neutral" || conclusion === "skipped") return "github.ci-passed";
  if (conclusion === "cancelled") return "github.ci-cancelled";
  return "github.ci-failed";
}

/** Where the monitor's events go, and the id that makes a poll re-run after a crash deliver nothing twice. */
export interface PollContext {
  monitor: Pick<ClawhipGitRepoMonitor, "channel" | "mention" | "format">;
  repoName: string;
  /** `github-poll:<owner/name>:<poll number>`: each event's id extends it with what it reports. */
  idPrefix: string;
}

function eventFor(ctx: PollContext, kind: string, subject: string, payload: object): IncomingEvent {
  const event: IncomingEvent = { kind, payload: { ...payload, event_id: `${ctx.idPrefix}:${kind}:${subject}` } };
  if (ctx.monitor.channel) event.channel = ctx.monitor.channel;
  if (ctx.monitor.mention) event.mention = ctx.monitor.mention;
  if (ctx.monitor.format) event.format = ctx.monitor.format;
  return event;
}

const byNumber = <T extends { number: number }>(list: readonly T[]) => new Map(list.map((x) => [x.number, x]));

/** New issues → opened; open → closed → closed; more comments → commented. */
export function issueEvents(
  ctx: PollContext,
  previous: readonly ClawhipGithubIssueSnapshot[],
  current: readonly ClawhipGithubIssueSnapshot[],
): IncomingEvent[] {
  const before = byNumber(previous);
  const events: IncomingEvent[] = [];
  for (const issue of [...current].sort((a, b) => a.number - b.number)) {
    const base: ClawhipGithubIssuePayload = { repo: ctx.repoName, number: issue.number, title: issue.title };
    const old = before.get(issue.number);
    if (old === undefined) {
      events.push(eventFor(ctx, "github.issue-opened", String(issue.number), base));
      continue;
    }
    if (old.state !== issue.state && issue.state === "closed")
      events.push(eventFor(ctx, "github.issue-closed", String(issue.number), base));
    if (issue.comments > old.comments)
      events.push(eventFor(ctx, "github.issue-commented", `${issue.number}:${issue.comments}`, { ...base, comments: issue.comments }));
  }
  return events;
}

/** A PR whose status (open, closed, merged) changed, or a new one (`<new>` → its status). */
export function prEvents(
  ctx: PollContext,
  previous: readonly ClawhipGithubPrSnapshot[],
  current: readonly ClawhipGithubPrSnapshot[],
): IncomingEvent[] {
  const before = byNumber(previous);
  const events: IncomingEvent[] = [];
  for (const pr of [...current].sort((a, b) => a.number - b.number)) {
    const old = before.get(pr.number);
    if (old !== undefined && old.status === pr.status) continue;
    const payload: ClawhipGithubPrStatusPayload = {
      repo: ctx.repoName,
      number: pr.number,
      title: pr.title,
      old_status: old?.status ?? "<new>",
      new_status: pr.status,
      url: pr.url,
    };
    events.push(eventFor(ctx, "github.pr-status-changed", `${pr.number}:${pr.status}`, payload));
  }
  return events;
}

/** A run not seen before, or whose status or conclusion changed; sorted by workflow, then PR number. */
export function ciEvents(
  ctx: PollContext,
  previous: readonly ClawhipGithubCiSnapshot[],
  current: readonly ClawhipGithubCiSnapshot[],
): IncomingEvent[] {
  const before = new Map(previous.map((ci) => [ci.key, ci]));
  const changed = current.filter((ci) => {
    const old = before.get(ci.key);
    return old === undefined || old.status !== ci.status || old.conclusion !== ci.conclusion;
  });
  changed.sort((a, b) => a.workflow.localeCompare(b.workflow) || (a.number ?? -1) - (b.number ?? -1));
  return changed.map((ci) => {
    const payload: ClawhipGithubCiPayload = { repo: ctx.repoName, workflow: ci.workflow, status: ci.status, sha: ci.sha, url: ci.url };
    if (ci.number !== undefined) payload.number = ci.number;
    if (ci.conclusion !== undefined) payload.conclusion = ci.conclusion;
    if (ci.branch !== undefined) payload.branch = ci.branch;
    if (ci.run_id !== undefined) payload.run_id = ci.run_id;
    payload.run_job_count = ci.run_job_count;
    payload.run_all_terminal = ci.run_all_terminal;
    const kind = ciEventKind(ci.status, ci.conclusion);
    return eventFor(ctx, kind, `${ci.key}:${ci.status}:${ci.conclusion ?? ""}`, payload);
  });
}
