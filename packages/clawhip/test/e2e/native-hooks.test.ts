import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const receiver = new WebhookReceiver();
let dir: string;
let home: string;
let repo: string;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  await receiver.start();
  dir = await realpath(await mkdtemp(join(tmpdir(), "clawhip-native-e2e-")));
  home = join(dir, "home");
  repo = join(dir, "work", "clawhip");
  await mkdir(home, { recursive: true });
  await mkdir(join(repo, ".clawhip"), { recursive: true });
  execFileSync("git", ["init", "-q", repo]);
  await writeFile(join(repo, ".clawhip", "project.json"), JSON.stringify({ id: "cb-1", name: "clawhip" }));
  await writeFile(join(dir, "clawhip.toml"), `[[routes]]\nevent = "*"\nwebhook = "${receiver.url}/api/webhooks/1/native"\n`);
  daemon = await startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")]);
});

afterAll(async () => {
  daemon?.child.kill("SIGTERM");
  await daemon?.exited;
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The hook environment a provider gives its hooks: a throwaway HOME, and where the daemon is. */
const hookEnv = () => ({ ...process.env, HOME: home, CLAWHIP_DAEMON_URL: daemon?.url ?? "", TMUX: "", TMUX_PANE: "" });

/** Runs an installed hook command the way Codex and Claude Code do: through a shell, the hook JSON on stdin. */
function runHook(command: string, input: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = execFile("sh", ["-c", command], { cwd: repo, env: hookEnv(), timeout: 30_000 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(JSON.stringify(input));
  });
}

const contents = () => receiver.delivered.map((r) => r.body.content as string);
const waitFor = (predicate: (content: string) => boolean, what: string) => until(() => contents().some(predicate), 20_000, what);

async function installedCommand(file: string, event: string): Promise<string> {
  const doc = JSON.parse(await readFile(join(home, file), "utf8"));
  const command = doc.hooks[event][0].hooks[0].command;
  expect(command).toContain(join(home, ".clawhip", "hooks", "native-hook.sh"));
  return command;
}

describe("hooks install into a throwaway HOME, then provider hook payloads through the installed bridge", () => {
  it("installs for Codex and Claude Code", () => {
    const out = execFileSync(process.execPath, [CLI, "hooks", "install", "--json"], { env: hookEnv(), encoding: "utf8" });
    expect(JSON.parse(out)).toMatchObject({ ok: true, scope: "global", dryRun: false });
  });

  it("a Codex SessionStart reaches the webhook as upstream renders it, with nothing on the hook's stdout", async () => {
    const command = await installedCommand(".codex/hooks.json", "SessionStart");
    const run = await runHook(command, {
      session_id: "codex-sess-1",
      transcript_path: null,
      cwd: repo,
      hook_event_name: "SessionStart",
      model: "gpt-5-codex",
    });
    expect(run).toMatchObject({ code: 0, stdout: "" });
    await waitFor((c) => c === "codex codex-sess-1 started (repo=clawhip)", "the Codex SessionStart delivery");
  });

  it("a Claude Code prompt, tool call and Stop arrive as prompt-submitted, tool.pre and a stopped carrying the prompt", async () => {
    const base = { session_id: "claude-sess-2", transcript_path: join(dir, "t.jsonl"), cwd: repo };
    const prompt = await runHook(await installedCommand(".claude/settings.json", "UserPromptSubmit"), {
      ...base,
      hook_event_name: "UserPromptSubmit",
      prompt: "Fix the flaky test",
    });
    expect(prompt).toMatchObject({ code: 0, stdout: "" });
    const tool = await runHook(await installedCommand(".claude/settings.json", "PreToolUse"), {
      ...base,
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_input: { command: "pnpm test" },
    });
    expect(tool.code).toBe(0);
    const stop = await runHook(await installedCommand(".claude/settings.json", "Stop"), {
      ...base,
      hook_event_name: "Stop",
      stop_hook_active: false,
    });
    expect(stop.code).toBe(0);

    await waitFor((c) => c === "claude-code claude-sess-2 prompt-submitted (repo=clawhip)", "the prompt delivery");
    await waitFor((c) => c === "claude-code claude-sess-2 stopped (repo=clawhip, summary=Fix the flaky test)", "the Stop delivery");
    await waitFor(
      (c) => c.startsWith("{") && JSON.parse(c).tool_name === "Bash" && JSON.parse(c).provider === "claude-code",
      "the tool.pre delivery",
    );
  });

  it("a hook that cannot reach the daemon fails loudly on stderr, not on stdout", async () => {
    const command = await installedCommand(".codex/hooks.json", "Stop");
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolvePromise) => {
      const child = execFile(
        "sh",
        ["-c", command],
        { cwd: repo, env: { ...hookEnv(), CLAWHIP_DAEMON_URL: "http://127.0.0.1:9" }, timeout: 30_000 },
        (error, stdout, stderr) => resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(JSON.stringify({ hook_event_name: "Stop", cwd: repo }));
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("cannot reach the clawhip daemon");
  });
});
