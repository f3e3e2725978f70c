import { z } from "zod";
import { ClawhipFormatSchema } from "./format.js";

/**
 * Payloads of the event families clawhip's sources produce (git hooks, GitHub webhooks) and renders as
 * upstream 0.6.7 does. A source builds its payload typed by these; the renderer reads the same fields.
 */

const text = z.string();
const count = z.number().int().min(0);

/** `git.commit`: one commit, or a push of several (`commits`, `commit_count` > 1) rendered as one message. */
export const ClawhipGitCommitPayloadSchema = z.object({
  repo: text,
  branch: text,
  commit: text,
  short_commit: text,
  summary: text,
  repo_path: text.optional(),
  worktree_path: text.optional(),
  commit_count: count.optional(),
  commits: z.array(z.object({ commit: text, short_commit: text, summary: text })).optional(),
});
export type ClawhipGitCommitPayload = z.infer<typeof ClawhipGitCommitPayloadSchema>;

/** `git.branch-changed`: a branch checkout (post-checkout hook). */
export const ClawhipGitBranchChangedPayloadSchema = z.object({
  repo: text,
  old_branch: text,
  new_branch: text,
  repo_path: text.optional(),
  worktree_path: text.optional(),
});
export type ClawhipGitBranchChangedPayload = z.infer<typeof ClawhipGitBranchChangedPayloadSchema>;

/** `clawhip git install-hooks --json`. */
export const ClawhipGitHooksResultSchema = z.object({
  dryRun: z.boolean(),
  hooksDir: text,
  files: z.array(z.object({ path: text, changed: z.boolean(), diff: text })),
});
export type ClawhipGitHooksResult = z.infer<typeof ClawhipGitHooksResultSchema>;

/** `github.issue-opened|commented|closed`. */
export const ClawhipGithubIssuePayloadSchema = z.object({
  repo: text,
  number: count,
  title: text,
  comments: count.optional(),
  url: text.optional(),
});
export type ClawhipGithubIssuePayload = z.infer<typeof ClawhipGithubIssuePayloadSchema>;

/** `github.pr-status-changed`. */
export const ClawhipGithubPrStatusPayloadSchema = z.object({
  repo: text,
  number: count,
  title: text,
  old_status: text,
  new_status: text,
  url: text,
});
export type ClawhipGithubPrStatusPayload = z.infer<typeof ClawhipGithubPrStatusPayloadSchema>;

/** `github.ci-started|passed|failed|cancelled`: one workflow run. */
export const ClawhipGithubCiPayloadSchema = z.object({
  repo: text,
  number: count.optional(),
  workflow: text,
  status: text,
  conclusion: text.optional(),
  sha: text,
  url: text,
  branch: text.optional(),
  /** The poller's: the workflow run a check belongs to, its job count, and whether all its jobs ended. */
  run_id: text.optional(),
  run_job_count: count.optional(),
  run_all_terminal: z.boolean().optional(),
});
export type ClawhipGithubCiPayload = z.infer<typeof ClawhipGithubCiPayloadSchema>;

/** `github.release-published|prereleased|edited`. */
export const ClawhipGithubReleasePayloadSchema = z.object({
  repo: text,
  tag: text,
  name: text,
  action: text,
  is_prerelease: z.boolean(),
  url: text,
  actor: text.optional(),
});
export type ClawhipGithubReleasePayload = z.infer<typeof ClawhipGithubReleasePayloadSchema>;

/**
 * The parts of a GitHub webhook delivery `POST /github` reads (`X-GitHub-Event` says which event). The
 * whole delivery is authenticated first by its `X-Hub-Signature-256` HMAC.
 */
const repository = z.looseObject({ full_name: text });
export const ClawhipGithubWebhookSchema = z.looseObject({
  action: text.optional(),
  repository: repository.optional(),
  sender: z.looseObject({ login: text.optional() }).optional(),
  issue: z.looseObject({ number: count, title: text, comments: count.optional(), html_url: text.optional() }).optional(),
  pull_request: z
    .looseObject({ number: count, title: text, html_url: text.optional(), merged: z.boolean().nullable().optional() })
    .optional(),
  release: z
    .looseObject({ tag_name: text, name: text.nullable().optional(), prerelease: z.boolean().optional(), html_url: text.optional() })
    .optional(),
  workflow_run: z
    .looseObject({
      name: text,
      status: text,
      conclusion: text.nullable().optional(),
      head_sha: text,
      head_branch: text.nullable().optional(),
      html_url: text,
      pull_requests: z.array(z.looseObject({ number: count })).optional(),
    })
    .optional(),
});
export type ClawhipGithubWebhook = z.infer<typeof ClawhipGithubWebhookSchema>;

/** `202` for a delivery clawhip has no event for: acknowledged (GitHub would retry a 4xx), nothing routed. */
export const ClawhipIgnoredSchema = z.object({ ok: z.literal(true), ignored: z.literal(true), reason: text });
export type ClawhipIgnored = z.infer<typeof ClawhipIgnoredSchema>;

/** `tmux.keyword`: a watched keyword appeared in new pane output; several in one window are one event (`hits`). */
export const ClawhipTmuxKeywordPayloadSchema = z.object({
  session: text,
  keyword: text,
  line: text,
  hit_count: count.optional(),
  hits: z.array(z.object({ keyword: text, line: text })).optional(),
});
export type ClawhipTmuxKeywordPayload = z.infer<typeof ClawhipTmuxKeywordPayloadSchema>;

/** `tmux.stale`: a pane printed nothing for `minutes`. */
export const ClawhipTmuxStalePayloadSchema = z.object({ session: text, pane: text, minutes: count, last_line: text });
export type ClawhipTmuxStalePayload = z.infer<typeof ClawhipTmuxStalePayloadSchema>;

/** What a tmux watch looks for: a `clawhip tmux watch` registration and a `[[monitors.tmux.sessions]]` entry alike. */
export const tmuxWatchFields = {
  keywords: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  /** Hits within this window are sent as one message. */
  keyword_window_secs: z.number().int().min(1).max(3600).default(30),
  /** A pane silent this long is reported once per period; 0 turns stale reports off. */
  stale_minutes: z.number().int().min(0).max(10_080).default(10),
};

/**
 * `POST /api/tmux/register` (what `clawhip tmux watch` sends): a tmux session for the daemon to watch
 * for keywords and for panes gone quiet. Registrations are kept in the state folder, so they survive a
 * restart of the daemon; one ends when its tmux session is gone.
 */
export const ClawhipTmuxRegistrationSchema = z.strictObject({
  session: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^:.\s][^:.]*$/, "a tmux session name has no ':' or '.' and does not start with a blank"),
  channel: z.string().trim().min(1).optional(),
  mention: z.string().optional(),
  ...tmuxWatchFields,
  format: ClawhipFormatSchema.optional(),
  registered_at: z.string().optional(),
});
export type ClawhipTmuxRegistration = z.output<typeof ClawhipTmuxRegistrationSchema>;
export type ClawhipTmuxRegistrationInput = z.input<typeof ClawhipTmuxRegistrationSchema>;

/** `<stateDir>/tmux-registrations.json`. */
export const ClawhipTmuxRegistryFileSchema = z.strictObject({ registrations: z.array(ClawhipTmuxRegistrationSchema) });
export type ClawhipTmuxRegistryFile = z.output<typeof ClawhipTmuxRegistryFileSchema>;

/** `GET /api/tmux`: each registration and live config-monitored session, and when the monitor last looked at its panes (not yet: absent). */
export const ClawhipTmuxListSchema = z.object({
  ok: z.literal(true),
  registrations: z.array(
    ClawhipTmuxRegistrationSchema.extend({
      last_polled_at: z.string().optional(),
      /** `cli-watch`: registered through `tmux watch` / `/api/tmux/register`; `config-monitor`: `[[monitors.tmux.sessions]]`. */
      registration_source: z.enum(["cli-watch", "config-monitor"]).optional(),
    }),
  ),
});
export type ClawhipTmuxList = z.output<typeof ClawhipTmuxListSchema>;
