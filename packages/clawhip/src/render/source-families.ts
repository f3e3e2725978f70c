import type { ClawhipFormat } from "@clawbridge/contracts";
import { pathBaseName } from "../normalize/inference.js";
import { asU64, isRecord, type JsonRecord } from "../normalize/json.js";

/** A delivery that cannot be rendered (a required field is missing): skipped and logged, like upstream. */
export class RenderError extends Error {
  override name = "RenderError";
}

/** An optional text field: trimmed, blank counts as absent. */
function optional(payload: JsonRecord, key: string): string | undefined {
  const value = payload[key];
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function required(payload: JsonRecord, key: string): string {
  const value = optional(payload, key);
  if (value === undefined) throw new RenderError(`missing string field '${key}'`);
  return value;
}

function integer(payload: JsonRecord, key: string): number {
  const value = asU64(payload[key]);
  if (value === undefined) throw new RenderError(`missing integer field '${key}'`);
  return value;
}

const shortSha = (sha: string) => [...sha].slice(0, 7).join("");
const alert = (format: ClawhipFormat, text: string) => (format === "alert" ? `🚨 ${text}` : text);

/** `repo`, with `[wt:<leaf>]` when the commit was made in a worktree other than the main checkout. */
function gitRepoLabel(payload: JsonRecord): string {
  const repo = required(payload, "repo");
  const worktree = optional(payload, "worktree_path");
  if (worktree === undefined || optional(payload, "repo_path") === worktree) return repo;
  return `${repo}[wt:${pathBaseName(worktree) ?? worktree}]`;
}

function renderGitCommit(payload: JsonRecord, format: ClawhipFormat): string {
  const commits = Array.isArray(payload.commits) ? payload.commits : [];
  const repo = gitRepoLabel(payload);
  const branch = required(payload, "branch");
  if (commits.length > 1) {
    const summaries = commits.flatMap((c) => {
      const summary = isRecord(c) ? optional(c, "summary") : undefined;
      return summary === undefined ? [] : [summary];
    });
    const count = asU64(payload.commit_count) ?? summaries.length;
    const lines = [alert(format, `git:${repo}@${branch} pushed ${count} commits:`)];
    // Long pushes show the first three and the last two, and how many are left out between them.
    const shown = summaries.length > 5 ? [...summaries.slice(0, 3), null, ...summaries.slice(-2)] : summaries;
    for (const summary of shown) lines.push(summary === null ? `... and ${Math.max(0, count - 5)} more` : `- ${summary}`);
    return lines.join("\n");
  }
  const commit = required(payload, "short_commit");
  const summary = required(payload, "summary");
  if (format === "alert") return `🚨 new commit in ${repo}@${branch}: ${commit} ${summary}`;
  if (format === "inline") return `[git] ${repo} ${summary}`;
  return `git:${repo}@${branch} ${commit} ${summary}`;
}

function renderGitBranchChanged(payload: JsonRecord, format: ClawhipFormat): string {
  const repo = gitRepoLabel(payload);
  const from = required(payload, "old_branch");
  const to = required(payload, "new_branch");
  if (format === "alert") return `🚨 git repo ${repo} branch changed ${from} -> ${to}`;
  if (format === "inline") return `[git:${repo}] ${from} -> ${to}`;
  return `git:${repo} branch changed ${from} -> ${to}`;
}

function renderGithubIssue(kind: string, payload: JsonRecord, format: ClawhipFormat): string {
  const repo = required(payload, "repo");
  const number = integer(payload, "number");
  const title = required(payload, "title");
  const what = kind === "github.issue-opened" ? "opened" : kind === "github.issue-commented" ? "commented" : "closed";
  if (format === "alert") return `🚨 GitHub issue ${what} in ${repo}: #${number} ${title}`;
  if (format === "inline") {
    const tag = what === "opened" ? "GitHub" : what === "commented" ? "GitHub comment" : "GitHub closed";
    return `[${tag}] ${repo}#${number} ${title}`;
  }
  if (what === "commented") return `${repo}#${number} commented (${integer(payload, "comments")} comments): ${title}`;
  return `${repo}#${number} ${what}: ${title}`;
}

function renderPrStatus(payload: JsonRecord, format: ClawhipFormat): string {
  const repo = required(payload, "repo");
  const number = integer(payload, "number");
  const from = required(payload, "old_status");
  const to = required(payload, "new_status");
  if (format === "inline") return `[PR ${repo}#${number}] ${from} -> ${to}`;
  const title = required(payload, "title");
  if (format === "alert") return `🚨 PR status changed in ${repo}: #${number} ${from} -> ${to} (${title})`;
  return `PR ${repo}#${number} ${from} -> ${to}: ${title}`;
}

const CI_ACTIONS: ReadonlyMap<string, string> = new Map([
  ["github.ci-started", "started"],
  ["github.ci-failed", "failed"],
  ["github.ci-passed", "passed"],
  ["github.ci-cancelled", "cancelled"],
]);

function ciTarget(payload: JsonRecord): string {
  const repo = required(payload, "repo");
  const number = asU64(payload.number);
  return number === undefined ? repo : `${repo}#${number}`;
}

function renderBatchedCi(kind: string, payload: JsonRecord, withUrl: boolean): string {
  if (!Array.isArray(payload.jobs)) throw new RenderError("missing batched GitHub CI jobs");
  const jobs = payload.jobs.filter(isRecord);
  const count = (key: string) => asU64(payload[key]) ?? 0;
  const total = asU64(payload.total_count) ?? payload.jobs.length;
  const target = ciTarget(payload);
  const heads: Record<string, string> = {
    "github.ci-passed": `✅ CI passed · ${target} · ${count("passed_count")}/${total} passed`,
    "github.ci-failed": `❌ CI failed · ${target}`,
    "github.ci-cancelled": `🟡 CI cancelled · ${target}`,
  };
  const parts = [heads[kind] ?? `⏳ CI running · ${target}`];
  const workflows = jobs.flatMap((j) => (typeof j.workflow === "string" ? [j.workflow] : [])).join(", ");
  if (workflows !== "") parts.push(workflows);
  if (kind === "github.ci-failed") {
    const failed = jobs.flatMap((j) => {
      const state = typeof j.conclusion === "string" ? j.conclusion : typeof j.status === "string" ? j.status : undefined;
      if (typeof j.workflow !== "string" || state === undefined || ["success", "neutral", "skipped"].includes(state)) return [];
      return [`${j.workflow}:${state}`];
    });
    if (failed.length > 0) parts.push(failed.join(", "));
  } else {
    if (count("skipped_count") > 0) parts.push(`${count("skipped_count")} skipped`);
    if (count("cancelled_count") > 0) parts.push(`${count("cancelled_count")} cancelled`);
    if (count("failed_count") > 0) parts.push(`${count("failed_count")} failed`);
  }
  if (withUrl) parts.push(required(payload, "url"));
  return parts.join(" · ");
}

function renderCi(kind: string, payload: JsonRecord, withUrl: boolean): string {
  if (payload.batched === true) return renderBatchedCi(kind, payload, withUrl);
  const workflow = required(payload, "workflow");
  const state = optional(payload, "conclusion") ?? optional(payload, "status");
  if (state === undefined) throw new RenderError("missing GitHub CI state");
  const parts = [`CI ${CI_ACTIONS.get(kind) ?? "updated"}`, ciTarget(payload), workflow, state, shortSha(required(payload, "sha"))];
  if (withUrl) parts.push(required(payload, "url"));
  return parts.join(" · ");
}

function renderRelease(kind: string, payload: JsonRecord, format: ClawhipFormat): string {
  const repo = required(payload, "repo");
  const tag = required(payload, "tag");
  const prerelease = payload.is_prerelease === true;
  if (format === "inline") return `[release] ${repo} ${tag}${prerelease ? " (pre)" : ""}`;
  const name = optional(payload, "name") ?? "";
  const url = optional(payload, "url") ?? "";
  const action = kind === "github.release-prereleased" ? "prereleased" : kind === "github.release-edited" ? "edited" : "published";
  const named = name === "" || name === tag ? "" : ` "${name}"`;
  const parts = [`release ${action} · ${repo} ${tag}${prerelease ? " (prerelease)" : ""}${named}`];
  if (url !== "") parts.push(url);
  return alert(format, parts.join(" · "));
}

function renderTmuxKeyword(payload: JsonRecord, format: ClawhipFormat): string {
  const session = required(payload, "session");
  const hits = Array.isArray(payload.hits) ? payload.hits : [];
  if (hits.length > 1) {
    const count = asU64(payload.hit_count) ?? hits.length;
    const summaries = hits.flatMap((h) => {
      const keyword = isRecord(h) ? optional(h, "keyword") : undefined;
      const line = isRecord(h) ? optional(h, "line") : undefined;
      return keyword === undefined || line === undefined ? [] : [`'${keyword}': ${line}`];
    });
    if (format === "inline") return `[tmux:${session}] ${summaries.join(" · ")}`;
    const head =
      format === "alert" ? `🚨 tmux session ${session} hit ${count} keyword matches:` : `tmux:${session} matched ${count} keyword hits:`;
    return [head, ...summaries.map((s) => `- ${s}`)].join("\n");
  }
  if (format === "inline") return `[tmux:${session}] ${required(payload, "line")}`;
  const keyword = required(payload, "keyword");
  const line = required(payload, "line");
  return format === "alert"
    ? `🚨 tmux session ${session} hit keyword '${keyword}': ${line}`
    : `tmux:${session} matched '${keyword}' => ${line}`;
}

function renderTmuxStale(payload: JsonRecord, format: ClawhipFormat): string {
  const session = required(payload, "session");
  const pane = required(payload, "pane");
  const minutes = integer(payload, "minutes");
  if (format === "inline") return `[tmux stale:${session} ${pane}] ${minutes}m`;
  const last = required(payload, "last_line");
  if (format === "alert") return `🚨 tmux session ${session} pane ${pane} stale for ${minutes}m (last: ${last})`;
  return `tmux:${session} pane ${pane} stale for ${minutes}m (last: ${last})`;
}

function renderWorkspace(kind: string, payload: JsonRecord, format: ClawhipFormat): string {
  const workspace = optional(payload, "workspace_name") ?? optional(payload, "workspace_root") ?? "workspace";
  const stateFile = required(payload, "state_file");
  const tool = optional(payload, "tool") ?? optional(payload, "state_family") ?? "workspace";
  const summary = optional(payload, "summary") ?? kind;
  const session = optional(payload, "session_name") ?? optional(payload, "session_id");
  const suffix = session === undefined ? "" : ` · session=${session}`;
  if (format === "inline") return `[${tool}:${workspace}] ${stateFile}${suffix}`;
  return alert(format, `${tool}:${workspace} · ${stateFile} · ${summary}${suffix}`);
}

/**
 * The renderers of the event sources (git, GitHub, tmux, workspace), as upstream 0.6.7 writes them;
 * undefined for a kind that is none of theirs. `raw` never reaches here.
 */
export function renderSourceEvent(kind: string, payload: JsonRecord, format: Exclude<ClawhipFormat, "raw">): string | undefined {
  if (kind.startsWith("workspace.")) return renderWorkspace(kind, payload, format);
  switch (kind) {
    case "git.commit":
      return renderGitCommit(payload, format);
    case "git.branch-changed":
      return renderGitBranchChanged(payload, format);
    case "github.issue-opened":
    case "github.issue-commented":
    case "github.issue-closed":
      return renderGithubIssue(kind, payload, format);
    case "github.pr-status-changed":
      return renderPrStatus(payload, format);
    case "github.ci-started":
    case "github.ci-failed":
    case "github.ci-passed":
    case "github.ci-cancelled":
      return alert(format, renderCi(kind, payload, format !== "inline"));
    case "github.release-published":
    case "github.release-prereleased":
    case "github.release-edited":
      return renderRelease(kind, payload, format);
    case "tmux.keyword":
      return renderTmuxKeyword(payload, format);
    case "tmux.stale":
      return renderTmuxStale(payload, format);
    default:
      return undefined;
  }
}
