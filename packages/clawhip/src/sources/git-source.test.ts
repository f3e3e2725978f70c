import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipGitCommitPayloadSchema, ClawhipGitHooksResultSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { runCli } from "../cli/program.js";
import { renderEvent } from "../render/render-event.js";

let base: string;
let repo: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "clawhip-git-")));
  repo = join(base, "clawhip");
  git(base, "init", "-q", repo);
  for (const summary of ["one", "two", "three"]) {
    writeFileSync(join(repo, `${summary}.txt`), summary);
    git(repo, "add", ".");
    git(repo, "commit", "-qm", summary);
  }
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function cli(args: string[], cwd = repo) {
  const io = recordingIo({ cwd, env: { ...process.env, HOME: base } });
  const code = await runCli(args, io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

describe("git source", () => {
  it("git commit --dry-run builds the git.commit event of HEAD", async () => {
    const { code, out } = await cli(["git", "commit", "--dry-run", "--json"]);
    expect(code).toBe(0);
    const { body } = JSON.parse(out);
    const payload = ClawhipGitCommitPayloadSchema.parse(body.payload);
    expect(body.type).toBe("git.commit");
    expect(payload).toMatchObject({ repo: "clawhip", branch: "main", summary: "three", repo_path: repo, worktree_path: repo });
    expect(payload.commit).toBe(git(repo, "rev-parse", "HEAD"));
    expect(renderEvent({ kind: "git.commit", payload }, "compact")).toBe(`git:clawhip@main ${payload.short_commit} three`);
  });

  it("--range makes one aggregated event of every commit in it, oldest first", async () => {
    const { out } = await cli(["git", "commit", "--dry-run", "--json", "--range", "HEAD~2..HEAD"]);
    const payload = ClawhipGitCommitPayloadSchema.parse(JSON.parse(out).body.payload);
    expect(payload.commit_count).toBe(2);
    expect(renderEvent({ kind: "git.commit", payload }, "compact")).toBe("git:clawhip@main pushed 2 commits:\n- two\n- three");
  });

  it("a commit in a linked worktree names the worktree", async () => {
    const worktree = join(base, "issue-115");
    git(repo, "worktree", "add", "-q", "-b", "feat/issue-115", worktree);
    const { out } = await cli(["git", "commit", "--dry-run", "--json"], worktree);
    const payload = ClawhipGitCommitPayloadSchema.parse(JSON.parse(out).body.payload);
    expect(payload).toMatchObject({ repo: "clawhip", repo_path: repo, worktree_path: worktree, branch: "feat/issue-115" });
    expect(renderEvent({ kind: "git.commit", payload }, "compact")).toMatch(
      /^git:clawhip\[wt:issue-115\]@feat\/issue-115 [0-9a-f]{7} three$/,
    );
  });

  it("outside a repository it says so (exit 2)", async () => {
    const { code, err } = await cli(["git", "commit", "--dry-run"], base);
    expect(code).toBe(2);
    expect(err).toContain("is it a git repository?");
  });

  it("install-hooks writes both hooks, idempotently, and refuses to overwrite a hook that is not clawhip's", async () => {
    const dry = await cli(["git", "install-hooks", "--dry-run", "--json"]);
    const planned = ClawhipGitHooksResultSchema.parse(JSON.parse(dry.out));
    expect(planned.files.map((f) => f.changed)).toEqual([true, true]);
    expect(() => statSync(join(repo, ".git", "hooks", "post-commit"))).toThrow();

    expect((await cli(["git", "install-hooks"])).code).toBe(0);
    const hook = join(repo, ".git", "hooks", "post-commit");
    expect(statSync(hook).mode & 0o777).toBe(0o755);
    expect(readFileSync(hook, "utf8")).toContain(" git commit >/dev/null");
    const again = ClawhipGitHooksResultSchema.parse(JSON.parse((await cli(["git", "install-hooks", "--json"])).out));
    expect(again.files.map((f) => f.changed)).toEqual([false, false]);

    writeFileSync(hook, "#!/bin/sh\necho mine\n");
    const refused = await cli(["git", "install-hooks", "--json"]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.out).error.message).toContain("is not clawhip's");
    expect(readFileSync(hook, "utf8")).toBe("#!/bin/sh\necho mine\n");
  });
});
