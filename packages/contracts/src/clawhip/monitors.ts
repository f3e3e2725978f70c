import { z } from "zod";
import { ClawhipFormatSchema } from "./format.js";
import { tmuxWatchFields } from "./sources.js";

/**
 * The daemon's polling monitors, as upstream 0.6.7's `[monitors]` table declares them: the GitHub poller
 * (`[[monitors.git.repos]]`), tmux sessions declared in config (`[[monitors.tmux.sessions]]`) and the
 * workspace state monitor (`[[monitors.workspace]]`); the payloads they emit; the state the poller keeps;
 * and the GitHub REST responses it reads.
 */

const text = z.string();
const nonEmpty = z.string().trim().min(1);
const count = z.number().int().min(0);

/**
 * One `[[monitors.git.repos]]` entry: a repository whose issues, pull requests and CI the daemon polls on
 * the GitHub REST API. `github_repo` (`owner/name`) wins; otherwise it comes from the clone's `remote` URL.
 * Upstream's commit/branch keys (`emit_commits`, `emit_branch_changes`) are accepted and left alone: here
 * commits and checkouts come from the hooks `clawhip git install-hooks` writes.
 */
export const ClawhipGitRepoMonitorSchema = z.looseObject({
  path: nonEmpty,
  name: nonEmpty.optional(),
  remote: nonEmpty.default("origin"),
  github_repo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "github_repo is owner/name")
    .optional(),
  emit_issue_opened: z.boolean().default(true),
  emit_pr_status: z.boolean().default(false),
  channel: nonEmpty.optional(),
  mention: z.string().optional(),
  format: ClawhipFormatSchema.optional(),
});
export type ClawhipGitRepoMonitor = z.output<typeof ClawhipGitRepoMonitorSchema>;
export type ClawhipGitRepoMonitorInput = z.input<typeof ClawhipGitRepoMonitorSchema>;

/**
 * One `[[monitors.tmux.sessions]]` entry: a tmux session the daemon watches from its start, without a
 * `clawhip tmux watch`. `session` may hold `*` wildcards: it then watches every live session it matches,
 * and an exact name (then the one with more literal characters, then fewer wildcards) wins an overlap.
 */
export const ClawhipTmuxSessionMonitorSchema = z.strictObject({
  session: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^:.\s][^:.]*$/, "a tmux session name or pattern has no ':' or '.' and does not start with a blank"),
  ...tmuxWatchFields,
  channel: nonEmpty.optional(),
  channel_name: z.string().optional(),
  mention: z.string().optional(),
  format: ClawhipFormatSchema.optional(),
});
export type ClawhipTmuxSessionMonitor = z.output<typeof ClawhipTmuxSessionMonitorSchema>;

export const WORKSPACE_WATCH_DIRS = [".omx/state", ".omc/state"] as const;

/**
 * One `[[monitors.workspace]]` entry: a workspace whose `.omx`/`.omc` state files the daemon watches.
 * `events` (globs over the event kinds) narrows what is sent; `discover_worktrees` also watches each
 * `.claude/worktrees/<name>` below `path`.
 */
export const ClawhipWorkspaceMonitorSchema = z.strictObject({
  path: nonEmpty,
  watch_dirs: z
    .array(nonEmpty)
    .min(1)
    .default([...WORKSPACE_WATCH_DIRS]),
  discover_worktrees: z.boolean().default(false),
  channel: nonEmpty.optional(),
  mention: z.string().optional(),
  format: ClawhipFormatSchema.optional(),
  events: z.array(nonEmpty).default([]),
  poll_interval_secs: z.number().int().min(1).max(3600).optional(),
  /** A file that keeps changing is read once it has been still this long. */
  debounce_ms: z.number().int().min(1).max(600_000).default(2000),
});
export type ClawhipWorkspaceMonitor = z.output<typeof ClawhipWorkspaceMonitorSchema>;

/** `[monitors]`. The GitHub token: the env `CLAWHIP_GITHUB_TOKEN` wins over `github_token`; never printed. */
export const ClawhipMonitorsSchema = z.looseObject({
  /** How often the GitHub poller and the workspace monitor look (upstream's one poll interval). */
  poll_interval_secs: z.number().int().min(1).max(86_400).default(5),
  github_token: z.string().trim().min(1).optional(),
  github_api_base: z.url().default("https://api.github.com"),
  git: z.looseObject({ repos: z.array(ClawhipGitRepoMonitorSchema).default([]) }).prefault({}),
  tmux: z
    .looseObject({
      poll_interval_ms: z.number().int().min(50).max(60_000).default(1000),
      sessions: z.array(ClawhipTmuxSessionMonitorSchema).default([]),
    })
    .prefault({}),
  workspace: z.array(ClawhipWorkspaceMonitorSchema).default([]),
});
export type ClawhipMonitors = z.output<typeof ClawhipMonitorsSchema>;

/** The workspace event kinds and the state file each comes from (upstream's `diff_workspace_state`). */
export const WORKSPACE_EVENT_KINDS = [
  "workspace.session.started",
  "workspace.session.ended",
  "workspace.session.blocked",
  "workspace.session.checkpointed",
  "workspace.turn.complete",
  "workspace.agent.turn",
  "workspace.skill.activated",
  "workspace.skill.deactivated",
  "workspace.skill.phase-changed",
  "workspace.metrics.updated",
  "workspace.tmux.injection",
  "workspace.team.nudged",
  "workspace.team.updated",
  "workspace.mission.updated",
] as const;
export type ClawhipWorkspaceEventKind = (typeof WORKSPACE_EVENT_KINDS)[number];

/**
 * A `workspace.*` payload: where the state file is, then the fields of the kind (all optional: a state
 * file is written by another tool and may lack any of them). `summary` says what changed.
 */
export const ClawhipWorkspacePayloadSchema = z.looseObject({
  workspace_root: text,
  workspace_name: text,
  monitor_path: text,
  state_family: z.enum(["omx", "omc", "workspace"]),
  state_dir: text,
  state_file: text,
  tool: text.optional(),
  summary: text,
  session_id: text.optional(),
  previous_session_id: text.optional(),
  started_at: text.optional(),
  pid: count.optional(),
  parent_pid: count.optional(),
  cwd: text.optional(),
  turn_count: count.optional(),
  turn_delta: count.optional(),
  last_turn_at: text.optional(),
  last_agent_output: text.optional(),
  last_event_at: text.optional(),
  recent_turn_keys: z.array(text).optional(),
  active: z.boolean().optional(),
  skill: text.optional(),
  phase: text.optional(),
  keyword: text.optional(),
  source_kind: text.optional(),
  previous_skill: text.optional(),
  previous_phase: text.optional(),
  metrics: z.unknown().optional(),
  total_injections: count.optional(),
  injection_delta: count.optional(),
  last_reason: text.optional(),
  last_nudged_by_team: text.optional(),
  last_idle_nudged_by_team: text.optional(),
  notify_script: text.optional(),
  updated_at: text.optional(),
  mission_count: count.optional(),
  created_at: text.optional(),
  trigger: text.optional(),
  todo_summary: text.optional(),
});
export type ClawhipWorkspacePayload = z.infer<typeof ClawhipWorkspacePayloadSchema>;

/** What the GitHub poller remembers of one repository between polls (and across restarts). */
export const ClawhipGithubIssueSnapshotSchema = z.object({ number: count, title: text, state: text, comments: count });
export const ClawhipGithubPrSnapshotSchema = z.object({
  number: count,
  title: text,
  status: text,
  url: text,
  head_branch: text,
  head_sha: text,
});
export const ClawhipGithubCiSnapshotSchema = z.object({
  key: text,
  number: count.optional(),
  workflow: text,
  status: text,
  conclusion: text.optional(),
  sha: text,
  url: text,
  branch: text.optional(),
  run_id: text.optional(),
  run_job_count: count,
  run_all_terminal: z.boolean(),
});
export type ClawhipGithubIssueSnapshot = z.infer<typeof ClawhipGithubIssueSnapshotSchema>;
export type ClawhipGithubPrSnapshot = z.infer<typeof ClawhipGithubPrSnapshotSchema>;
export type ClawhipGithubCiSnapshot = z.infer<typeof ClawhipGithubCiSnapshotSchema>;

/** One polled repository (keyed by its monitor's `path`); a list absent was never polled (no baseline). */
export const ClawhipGithubRepoStateSchema = z.strictObject({
  path: text,
  /** How many polls of it have been remembered: event ids carry it, so only a poll re-run repeats an id. */
  seq: count.default(0),
  issues: z.array(ClawhipGithubIssueSnapshotSchema).optional(),
  prs: z.array(ClawhipGithubPrSnapshotSchema).optional(),
  ci: z.array(ClawhipGithubCiSnapshotSchema).optional(),
});
export type ClawhipGithubRepoState = z.output<typeof ClawhipGithubRepoStateSchema>;

/** `<stateDir>/github-poller.json`: written after each poll's events are spooled, so a restart re-emits nothing. */
export const ClawhipGithubPollerFileSchema = z.strictObject({ repos: z.array(ClawhipGithubRepoStateSchema) });
export type ClawhipGithubPollerFile = z.infer<typeof ClawhipGithubPollerFileSchema>;

/** The parts of GitHub's REST answers the poller reads (`GET /repos/{repo}/issues|pulls|…`). */
export const GithubApiIssuesSchema = z.array(
  z.looseObject({ number: count, title: text, state: text, comments: count, pull_request: z.unknown().optional() }),
);
export const GithubApiPullsSchema = z.array(
  z.looseObject({
    number: count,
    title: text,
    state: text,
    html_url: text,
    merged_at: text.nullable().optional(),
    head: z.looseObject({ ref: text, sha: text }),
  }),
);
export const GithubApiCheckRunsSchema = z.looseObject({
  check_runs: z.array(
    z.looseObject({
      name: text,
      status: text,
      conclusion: text.nullable().optional(),
      details_url: text.nullable().optional(),
      head_sha: text,
    }),
  ),
});
export const GithubApiWorkflowRunsSchema = z.looseObject({
  workflow_runs: z.array(
    z.looseObject({
      id: count,
      name: text.nullable().optional(),
      status: text,
      conclusion: text.nullable().optional(),
      head_branch: text.nullable(),
      head_sha: text,
      html_url: text,
      pull_requests: z.array(z.unknown()).default([]),
    }),
  ),
});
export type GithubApiIssues = z.infer<typeof GithubApiIssuesSchema>;
export type GithubApiPulls = z.infer<typeof GithubApiPullsSchema>;
export type GithubApiCheckRuns = z.infer<typeof GithubApiCheckRunsSchema>;
export type GithubApiWorkflowRuns = z.infer<typeof GithubApiWorkflowRunsSchema>;
