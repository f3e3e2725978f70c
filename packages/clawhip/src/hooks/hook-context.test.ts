import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipPromptSubmitStateSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptIngress } from "../ingress/accept.js";
import { renderEvent } from "../render/render-event.js";
import { defaultConfig } from "../route/config-file.js";
import { collectHookContext, type HookContextDeps, mergeAdditive, PROMPT_STATE_FILE, systemRun } from "./hook-context.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd, stdio: "pipe" });

let base: string;
let repo: string;
let worktree: string;
const warnings: string[] = [];
const deps = (extra: NodeJS.ProcessEnv = {}): HookContextDeps => ({
  run: systemRun,
  env: { ...process.env, TMUX: undefined, TMUX_PANE: undefined, ...extra },
  now: () => new Date("2026-04-12T10:00:00.000Z"),
  warn: (m) => warnings.push(m),
});

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "clawhip-hookctx-")));
  repo = join(base, "clawhip");
  mkdirSync(join(repo, ".clawhip"), { recursive: true });
  git(base, "init", "-q", repo);
  writeFileSync(join(repo, ".clawhip", "project.json"), JSON.stringify({ id: "clawhip-core", name: "clawhip", repo_name: "clawhip" }));
  writeFileSync(join(repo, "README.md"), "x\n");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "init");
  worktree = join(base, "wt-issue-212");
  git(repo, "worktree", "add", "-q", "-b", "issue-212", worktree);
  mkdirSync(join(worktree, "src", "bin"), { recursive: true });
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("collectHookContext: what the bridge adds to a provider's hook JSON", () => {
  it("from a folder deep in a linked worktree: the main repository, the worktree, project.json, and the prompt state in the worktree (upstream generated_hook_script_e2e_emits_canonical_repo_metadata_from_event_cwd)", async () => {
    const nested = join(worktree, "src", "bin");
    const body = await collectHookContext({ event_name: "UserPromptSubmit", cwd: nested, prompt: "Ship it" }, "codex", base, deps());
    expect(body).toMatchObject({
      provider: "codex",
      directory: nested,
      repo_path: repo,
      worktree_path: worktree,
      repo_name: "clawhip",
      project_name: "clawhip",
      project_id: "clawhip-core",
      prompt: "Ship it",
      event_payload: { event_name: "UserPromptSubmit", cwd: nested, prompt: "Ship it" },
    });
    const state = ClawhipPromptSubmitStateSchema.parse(JSON.parse(readFileSync(join(worktree, PROMPT_STATE_FILE), "utf8")));
    expect(state).toMatchObject({ provider: "codex", prompt_summary: "Ship it", observed_at: "2026-04-12T10:00:00.000Z" });

    const outcome = acceptIngress("native-hook-v1", body, defaultConfig());
    expect(outcome.ok && outcome.event.kind).toBe("session.prompt-submitted");
    expect(outcome.ok && outcome.event.payload).toMatchObject({ repo_name: "clawhip", repo_path: repo, worktree_path: worktree });
  });

  it("a Stop after a prompt carries that prompt as its context and summary", async () => {
    await collectHookContext(
      { hook_event_name: "UserPromptSubmit", cwd: worktree, prompt: `  ${"p".repeat(250)}  `, turn_id: "t-7" },
      "claude-code",
      base,
      deps(),
    );
    const stop = await collectHookContext({ hook_event_name: "Stop", cwd: worktree, session_id: "s-1" }, "claude-code", base, deps());
    const summary = `${"p".repeat(200)}…`;
    expect(stop.stop_context).toEqual({ last_prompt_at: "2026-04-12T10:00:00.000Z", last_prompt_summary: summary, last_turn_id: "t-7" });
    const outcome = acceptIngress("native-hook-v1", stop, defaultConfig());
    if (!outcome.ok) throw new Error(outcome.body.error);
    expect(outcome.event.kind).toBe("session.stopped");
    expect(outcome.event.payload).toMatchObject({ summary, last_turn_id: "t-7", session_id: "s-1" });
    expect(renderEvent(outcome.event, "compact")).toBe(`claude-code s-1 stopped (repo=clawhip, issue=#212, summary=${summary})`);
  });

  it("augmenters in .clawhip/hooks/augment add fields in name order, merged additively", async () => {
    const dir = join(repo, ".clawhip", "hooks", "augment");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "a.mjs"),
      "export default (p) => ({ summary: 'from ' + p.provider, recent_context: ['one'], frontmatter: { owner: 'a' } });\n",
    );
    writeFileSync(
      join(dir, "b.mjs"),
      "export function augment() { return { summary: 'ignored', recent_context: ['two'], frontmatter: { owner: 'b', team: 'x' } }; }\n",
    );
    writeFileSync(join(dir, "notes.txt"), "not a module\n");
    try {
      const body = await collectHookContext({ hook_event_name: "SessionStart", cwd: repo }, "codex", base, deps());
      expect(body.augmentation).toEqual({ summary: "from codex", recent_context: ["one", "two"], frontmatter: { owner: "a", team: "x" } });
      const outcome = acceptIngress("native-hook-v1", body, defaultConfig());
      expect(outcome.ok && outcome.event.payload).toMatchObject({
        summary: "from codex",
        recent_context: ["one", "two"],
        repo_name: "clawhip",
      });
    } finally {
      rmSync(join(repo, ".clawhip", "hooks"), { recursive: true, force: true });
    }
  });

  it("outside git the folder is both roots; a broken project.json is reported and not used", async () => {
    const plain = join(base, "plain");
    mkdirSync(join(plain, ".clawhip"), { recursive: true });
    writeFileSync(join(plain, ".clawhip", "project.json"), "{nope");
    warnings.length = 0;
    const body = await collectHookContext({ event_name: "SessionStart" }, "codex", plain, deps());
    expect(body).toMatchObject({ repo_path: plain, worktree_path: plain, repo_name: "plain" });
    expect(body).not.toHaveProperty("project_metadata");
    expect(warnings.join("\n")).toContain(join(plain, ".clawhip", "project.json"));
  });

  it("inside tmux, the pane is asked of the tmux server", async () => {
    const socket = join(base, "tmux.sock");
    execFileSync("tmux", ["-S", socket, "new-session", "-d", "-s", "clawhip-ctx", "-x", "80", "-y", "20"]);
    try {
      const pane = execFileSync("tmux", ["-S", socket, "display-message", "-p", "-t", "clawhip-ctx", "#{pane_id}"], {
        encoding: "utf8",
      }).trim();
      const body = await collectHookContext(
        { event_name: "SessionStart" },
        "codex",
        repo,
        deps({ TMUX: `${socket},1,0`, TMUX_PANE: pane }),
      );
      expect(body).toMatchObject({
        tmux_session: "clawhip-ctx",
        tmux_window: "0",
        tmux_pane: pane,
        tmux_attached: false,
        tmux_client_count: 0,
      });
      expect(body.tmux_pane_tty).toMatch(/^\/dev\//);
    } finally {
      execFileSync("tmux", ["-S", socket, "kill-server"]);
    }
  });

  it("mergeAdditive never replaces what is there", () => {
    expect(mergeAdditive({ a: 1, l: [1], o: { x: 1 } }, { a: 2, b: 3, l: [2], o: { x: 2, y: 3 } })).toEqual({
      a: 1,
      b: 3,
      l: [1, 2],
      o: { x: 1, y: 3 },
    });
  });
});
