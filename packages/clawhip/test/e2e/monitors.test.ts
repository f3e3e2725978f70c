import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipHealthSchema, ClawhipTmuxSessionMonitorSchema, ClawhipUpdateStatusSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemRun } from "../../src/hooks/hook-context.js";
import type { IncomingEvent } from "../../src/normalize/incoming.js";
import { renderEvent } from "../../src/render/render-event.js";
import { TMUX_REGISTRY_FILE, TmuxMonitor } from "../../src/sources/tmux-monitor.js";
import { CLI, type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { FakeGithub } from "../support/fake-github.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

let dir: string;
let tmuxDir: string;
// A private tmux server: TMUX_TMPDIR puts its socket in a temp folder, for the test and the daemon alike.
const tmuxEnv = () => ({ ...process.env, TMUX_TMPDIR: tmuxDir, TMUX: "" });
const tmux = (...args: string[]) => execFileSync("tmux", args, { env: tmuxEnv(), encoding: "utf8" });
/** Waits until the pane shows `text` and the shell's next prompt below it: the pane is still from then on. */
const paneShows = (session: string, text: string) =>
  until(
    () => {
      const lines = tmux("capture-pane", "-p", "-t", `=${session}:`)
        .split("\n")
        .filter((line) => line.trim() !== "");
      return lines.includes(text) && lines.at(-1) !== text && lines.indexOf(text) < lines.length - 1;
    },
    10_000,
    `pane ${session} to show ${text}`,
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "clawhip-monitors-e2e-"));
  tmuxDir = await mkdtemp(join(tmpdir(), "clawhip-monitors-sock-"));
});

afterAll(async () => {
  try {
    tmux("kill-server");
  } catch {
    // The server is already gone when its last session ended.
  }
  await rm(dir, { recursive: true, force: true });
  await rm(tmuxDir, { recursive: true, force: true });
});

describe("tmux monitors declared in config (Debian tmux, private server, injected clock)", () => {
  it("a pattern watches the live sessions it matches: keywords, then a stale report after stale_minutes; nothing is persisted", async () => {
    tmux("new-session", "-d", "-s", "cfg-api", "-x", "120", "-y", "20", "sh");
    tmux("new-session", "-d", "-s", "other", "-x", "120", "-y", "20", "sh");
    let clock = Date.UTC(2026, 0, 1);
    const events: IncomingEvent[] = [];
    const stateDir = join(dir, "tmux-state");
    await mkdir(stateDir, { recursive: true });
    const monitor = await TmuxMonitor.start(
      {
        stateDir,
        pollIntervalMs: 1000,
        configured: [
          ClawhipTmuxSessionMonitorSchema.parse({
            session: "cfg-*",
            keywords: ["BUILD-BROKE"],
            keyword_window_secs: 1,
            stale_minutes: 1,
            channel: "ops",
          }),
        ],
        run: systemRun,
        env: tmuxEnv(),
        now: () => clock,
        emit: async (event) => {
          events.push(event);
        },
        log: () => undefined,
      },
      false,
    );
    try {
      await monitor.pollOnce();
      expect(monitor.status().map((r) => [r.session, r.registration_source, r.channel])).toEqual([["cfg-api", "config-monitor", "ops"]]);
      expect(monitor.size).toBe(0);

      // printf builds the keyword, so the typed command line itself does not contain it.
      tmux("send-keys", "-t", "=cfg-api:", "printf 'BUILD-%s: linker\\n' BROKE", "Enter");
      await paneShows("cfg-api", "BUILD-BROKE: linker");
      await monitor.pollOnce();
      clock += 1000;
      await monitor.pollOnce();
      expect(events.map((e) => [e.kind, e.channel])).toEqual([["tmux.keyword", "ops"]]);
      expect(renderEvent({ kind: "tmux.keyword", payload: events[0]?.payload as Record<string, unknown> }, "compact")).toBe(
        "tmux:cfg-api matched 'BUILD-BROKE' => BUILD-BROKE: linker",
      );

      // The pane last changed a second ago (the keyword's look): 59 s more is not yet a minute.
      clock += 58_000;
      await monitor.pollOnce();
      expect(events).toHaveLength(1);
      clock += 1000;
      await monitor.pollOnce();
      expect(events.map((e) => e.kind)).toEqual(["tmux.keyword", "tmux.stale"]);
      const stale = events[1]?.payload as Record<string, unknown>;
      expect(stale).toMatchObject({ session: "cfg-api", pane: "0.0", minutes: 1 });
      expect(renderEvent({ kind: "tmux.stale", payload: stale }, "compact")).toBe(
        `tmux:cfg-api pane 0.0 stale for 1m (last: ${stale.last_line})`,
      );
      // Once per period: the next look within the minute says nothing.
      clock += 30_000;
      await monitor.pollOnce();
      expect(events).toHaveLength(2);

      tmux("kill-session", "-t", "=cfg-api");
      await monitor.pollOnce();
      expect(monitor.status()).toEqual([]);
      await expect(readFile(join(stateDir, TMUX_REGISTRY_FILE), "utf8")).rejects.toThrow(/ENOENT/);
    } finally {
      // "other" stays: a server losing its last session exits, racing the next test's new-session.
      await monitor.close();
    }
  });
});

describe("clawhip serve starts the monitors its config declares", () => {
  const receiver = new WebhookReceiver();
  const github = new FakeGithub("ultraworkers/claw-code");
  // A registry that knows only the package's dist-tags: enough for the check, and an install from it fails.
  const registry: Server = createServer((req, res) => {
    const known = req.url === "/-/package/@clawbridge%2fclawhip/dist-tags";
    res.writeHead(known ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(known ? { latest: "99.0.0" } : { error: "Not found" }));
  });
  let daemon: DaemonProcess | undefined;
  let workspace: string;
  const contents = () => receiver.delivered.map((r) => r.body.content as string);
  const start = () =>
    startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")], {
      TMUX_TMPDIR: tmuxDir,
      TMUX: "",
      CLAWHIP_GITHUB_TOKEN: "ghp_e2e-secret-token",
    });
  async function stop(): Promise<void> {
    daemon?.child.kill("SIGTERM");
    await daemon?.exited;
    daemon = undefined;
  }
  const issuePolls = () => github.requests.filter((r) => r.url.startsWith("/repos/ultraworkers/claw-code/issues?")).length;

  beforeAll(async () => {
    await receiver.start();
    await github.start();
    await new Promise<void>((r) => registry.listen(0, "127.0.0.1", r));
    workspace = join(dir, "ws");
    await mkdir(join(workspace, ".omx", "state"), { recursive: true });
    const hook = `${receiver.url}/api/webhooks/1/monitors`;
    await writeFile(
      join(dir, "clawhip.toml"),
      [
        "[[routes]]",
        'event = "*"',
        `webhook = "${hook}"`,
        "",
        "[monitors]",
        "poll_interval_secs = 1",
        `github_api_base = "${github.url}"`,
        "",
        "[monitors.tmux]",
        "poll_interval_ms = 200",
        "",
        "[[monitors.git.repos]]",
        `path = "${join(dir, "no-clone")}"`,
        'name = "claw-code"',
        'github_repo = "ultraworkers/claw-code"',
        "emit_pr_status = true",
        "",
        "[[monitors.tmux.sessions]]",
        'session = "cfg-*"',
        'keywords = ["BUILD-BROKE"]',
        "keyword_window_secs = 1",
        "",
        "[[monitors.workspace]]",
        `path = "${workspace}"`,
        "debounce_ms = 1",
        "",
        "[update]",
        "enabled = true",
        `registry = "http://127.0.0.1:${(registry.address() as AddressInfo).port}"`,
        "",
      ].join("\n"),
    );
    github.issues = [{ number: 1, title: "old issue", state: "open", comments: 0 }];
    tmux("new-session", "-d", "-s", "cfg-e2e", "-x", "120", "-y", "20", "sh");
    daemon = await start();
  });

  afterAll(async () => {
    await stop();
    await github.stop();
    await new Promise((r) => registry.close(r));
    await receiver.stop();
  });

  it("/health counts them", async () => {
    const health = ClawhipHealthSchema.parse(await daemon?.health());
    expect([health.github_poller_repos, health.configured_tmux_monitors, health.workspace_monitors]).toEqual([1, 1, 1]);
  });

  it("GitHub poller: changes after the baseline reach the webhook as upstream renders them; a restart re-emits nothing and misses nothing", async () => {
    // The workflow runs are a poll's last request: once asked, the baseline poll has read everything.
    await until(
      () => github.requests.some((r) => r.url.startsWith("/repos/ultraworkers/claw-code/actions/runs?")),
      20_000,
      "the poller's baseline",
    );
    github.issues.push({ number: 5, title: "flaky test", state: "open", comments: 0 });
    github.pulls = [
      {
        number: 9,
        title: "fix flake",
        state: "open",
        merged_at: null,
        html_url: "https://github.com/ultraworkers/claw-code/pull/9",
        head: { ref: "fix", sha: "abc1234def" },
      },
    ];
    await until(() => contents().includes("claw-code#5 opened: flaky test"), 20_000, "the issue event");
    await until(() => contents().includes("PR claw-code#9 <new> -> open: fix flake"), 20_000, "the PR event");
    expect(contents().filter((c) => c.includes("old issue"))).toEqual([]);
    expect(github.requests.every((r) => r.headers.authorization === "Bearer ghp_e2e-secret-token")).toBe(true);

    await stop();
    const before = contents().length;
    // Opened while the daemon is down: the saved state, not a new baseline, is what the next poll compares with.
    github.issues.push({ number: 6, title: "while down", state: "open", comments: 0 });
    daemon = await start();
    const polls = issuePolls();
    await until(() => contents().includes("claw-code#6 opened: while down"), 20_000, "the issue opened while the daemon was down");
    await until(() => issuePolls() >= polls + 2, 20_000, "two polls after the restart");
    expect(
      contents()
        .slice(before)
        .filter((c) => c.startsWith("claw-code#") || c.startsWith("PR claw-code#")),
    ).toEqual(["claw-code#6 opened: while down"]);
    expect(daemon.stderr()).not.toContain("ghp_e2e-secret-token");
  });

  it("workspace monitor: a state file written in .omx/state is a workspace event", async () => {
    await writeFile(join(workspace, ".omx", "state", "hud-state.json"), JSON.stringify({ turn_count: 1, last_turn_at: "t1" }));
    await until(() => contents().includes("omx:ws · hud-state.json · turn 1 complete"), 20_000, "the workspace event");
  });

  it("tmux config monitor: a keyword in a session matching the pattern", async () => {
    const listed = () =>
      JSON.parse(
        execFileSync(process.execPath, [CLI, "tmux", "list", "--json"], {
          env: { ...tmuxEnv(), CLAWHIP_DAEMON_URL: daemon?.url ?? "" },
          encoding: "utf8",
        }),
      ).registrations as Array<{ session: string; registration_source?: string; last_polled_at?: string }>;
    await until(() => listed().some((r) => r.session === "cfg-e2e" && r.last_polled_at !== undefined), 20_000, "the monitor's first look");
    expect(listed().find((r) => r.session === "cfg-e2e")?.registration_source).toBe("config-monitor");
    tmux("send-keys", "-t", "=cfg-e2e:", "printf 'BUILD-%s: e2e\\n' BROKE", "Enter");
    await until(() => contents().includes("tmux:cfg-e2e matched 'BUILD-BROKE' => BUILD-BROKE: e2e"), 20_000, "the keyword event");
  });

  it("update lifecycle: a newer release is announced and pending; approve runs npm install, whose failure is reported", async () => {
    // Not spawnSync: the registry npm asks lives in this process and must go on answering.
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolvePromise) => {
        const child = spawn(process.execPath, [CLI, "update", ...args, "--json"], {
          env: { ...process.env, CLAWHIP_DAEMON_URL: daemon?.url ?? "" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => {
          stdout += c.toString();
        });
        child.stderr.on("data", (c: Buffer) => {
          stderr += c.toString();
        });
        child.once("close", (status) => resolvePromise({ status, stdout, stderr }));
      });
    await until(
      () => contents().some((c) => c.startsWith("🚨 clawhip update available: v0.1.0 \u2192 v99.0.0\n")),
      20_000,
      "the update alert",
    );
    const status = ClawhipUpdateStatusSchema.parse(JSON.parse((await cli("status")).stdout).update);
    expect(status).toMatchObject({
      pending: true,
      latest_version: "99.0.0",
      release_url: "https://www.npmjs.com/package/@clawbridge/clawhip/v/99.0.0",
    });

    const approve = await cli("approve");
    expect(approve.status).toBe(2);
    expect(JSON.parse(approve.stdout).error.message).toMatch(/^daemon answered 400: npm install failed: /);
    await until(
      () => contents().some((c) => c.startsWith("🚨 clawhip update to v99.0.0 failed: npm install failed: ")),
      20_000,
      "the failure alert",
    );
    expect(ClawhipUpdateStatusSchema.parse(JSON.parse((await cli("status")).stdout).update).pending).toBe(false);
    expect(JSON.parse((await cli("dismiss")).stdout).error.message).toBe("daemon answered 400: no pending update to dismiss");
  });
});
