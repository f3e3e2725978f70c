import { chmod, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ClawhipGitBranchChangedPayload, ClawhipGitCommitPayload, ClawhipGitHooksResult } from "@clawbridge/contracts";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { type HookContextDeps, repoRoots } from "../hooks/hook-context.js";
import { shellQuote } from "../hooks/install.js";
import { lineDiff } from "../hooks/line-diff.js";
import { pathBaseName } from "../normalize/inference.js";

type GitDeps = Pick<HookContextDeps, "run" | "env">;

/** A git source that cannot do its job (not a repository, no commits, a foreign hook): says which and why. */
export class GitSourceError extends Error {
  override name = "GitSourceError";
}

async function git(deps: GitDeps, cwd: string, args: readonly string[]): Promise<string> {
  const result = await deps.run("git", args, cwd, deps.env);
  if (result.status !== 0) throw new GitSourceError(`git ${args.join(" ")} failed in ${cwd} (is it a git repository?)`);
  return result.stdout.trim();
}

const SEPARATOR = "\u001f";

/** Where the commit was made: the repository's name and root, the worktree, the branch. */
async function gitPlace(deps: GitDeps, cwd: string) {
  const { repoRoot, worktreeRoot } = await repoRoots({ ...deps, now: () => new Date(), warn: () => {} }, cwd);
  const branch = await git(deps, cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
  return { repo: pathBaseName(repoRoot) ?? repoRoot, repo_path: repoRoot, worktree_path: worktreeRoot, branch };
}

/**
 * The `git.commit` payload for HEAD, or for every commit of `range` (`OLD..NEW`, oldest first) — a push
 * or merge of several commits is one event that renders as one message.
 */
export async function gitCommitPayload(deps: GitDeps, cwd: string, range?: string): Promise<ClawhipGitCommitPayload> {
  const place = await gitPlace(deps, cwd);
  const log = await git(
    deps,
    cwd,
    range ? ["log", "--reverse", `--format=%H${SEPARATOR}%s`, range, "--"] : ["log", "-1", `--format=%H${SEPARATOR}%s`],
  );
  const commits = log
    .split("\n")
    .filter((line) => line.includes(SEPARATOR))
    .map((line) => {
      const [commit = "", summary = ""] = line.split(SEPARATOR);
      return { commit, short_commit: commit.slice(0, 7), summary };
    });
  const first = commits[0];
  if (first === undefined) throw new GitSourceError(`no commits${range ? ` in ${range}` : ""} in ${cwd}`);
  const payload: ClawhipGitCommitPayload = { ...place, ...first };
  if (commits.length > 1) {
    payload.commit_count = commits.length;
    payload.commits = commits;
  }
  return payload;
}

/** A ref as the branch it names (`git name-rev`), or the ref itself when no branch points at it. */
async function branchName(deps: GitDeps, cwd: string, ref: string): Promise<string> {
  const result = await deps.run("git", ["name-rev", "--name-only", "--refs=refs/heads/*", ref], cwd, deps.env);
  const name = result.stdout.trim();
  return result.status === 0 && name !== "" && name !== "undefined" ? name : ref;
}

/**
 * The `git.branch-changed` payload of a checkout. A new branch made from the current one points at the
 * same commit as the old, so the refs alone cannot tell them apart: the branch left is `@{-1}` (git's
 * checkout history) and the one entered is HEAD's; the refs are the fallback for detached checkouts.
 */
export async function gitBranchChangedPayload(
  deps: GitDeps,
  cwd: string,
  oldRef: string,
  newRef: string,
): Promise<ClawhipGitBranchChangedPayload> {
  const { repo, repo_path, worktree_path, branch } = await gitPlace(deps, cwd);
  const previous = await deps.run("git", ["rev-parse", "--abbrev-ref", "@{-1}"], cwd, deps.env);
  const left = previous.status === 0 ? previous.stdout.trim() : "";
  return {
    repo,
    repo_path,
    worktree_path,
    old_branch: left !== "" && left !== "HEAD" ? left : await branchName(deps, cwd, oldRef),
    new_branch: branch !== "HEAD" ? branch : await branchName(deps, cwd, newRef),
  };
}

/** The first line after the shebang of every hook clawhip writes: how it knows a hook is its own. */
const MARKER = "# clawhip git hook";

export function gitHookScripts(clawhipCommand: readonly string[]): Record<"post-commit" | "post-checkout", string> {
  const cli = clawhipCommand.map(shellQuote).join(" ");
  return {
    "post-commit": [
      "#!/bin/sh",
      `${MARKER}, written by \`clawhip git install-hooks\`: reports each commit to the clawhip daemon.`,
      `exec ${cli} git commit >/dev/null`,
      "",
    ].join("\n"),
    "post-checkout": [
      "#!/bin/sh",
      `${MARKER}, written by \`clawhip git install-hooks\`: reports branch checkouts (not file checkouts).`,
      '[ "$3" = "1" ] || exit 0',
      `exec ${cli} git branch-changed --old-ref "$1" --new-ref "$2" >/dev/null`,
      "",
    ].join("\n"),
  };
}

/**
 * Writes clawhip's post-commit and post-checkout hooks into the repository's hooks folder (honouring
 * `core.hooksPath`; linked worktrees share it). A hook that is not clawhip's is never overwritten: the
 * install stops before writing anything and says which file to extend by hand.
 */
export async function installGitHooks(
  deps: GitDeps,
  cwd: string,
  clawhipCommand: readonly string[],
  dryRun: boolean,
): Promise<ClawhipGitHooksResult> {
  const hooksDir = resolve(cwd, await git(deps, cwd, ["rev-parse", "--git-path", "hooks"]));
  const planned = [];
  for (const [name, content] of Object.entries(gitHookScripts(clawhipCommand))) {
    const path = join(hooksDir, name);
    let before = "";
    try {
      before = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new GitSourceError(`cannot read ${path}: ${(error as Error).message}`);
    }
    if (before !== "" && !before.split("\n").some((line) => line.startsWith(MARKER))) {
      throw new GitSourceError(
        `${path} exists and is not clawhip's: nothing was changed; add the line \`${content.split("\n").at(-2)}\` to it yourself`,
      );
    }
    planned.push({ path, before, after: content });
  }
  if (!dryRun) {
    for (const file of planned) {
      if (file.before === file.after) continue;
      await writeFileAtomic(file.path, file.after);
      await chmod(file.path, 0o755);
    }
  }
  return {
    dryRun,
    hooksDir,
    files: planned.map((f) => ({ path: f.path, changed: f.before !== f.after, diff: lineDiff(f.path, f.before, f.after) })),
  };
}
