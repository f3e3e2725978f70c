import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const SESSION = "clawhip-e2e-watch";
const receiver = new WebhookReceiver();
let dir: string;
let tmuxDir: string;
let daemon: DaemonProcess | undefined;

// A private tmux server: TMUX_TMPDIR puts its socket in a temp folder, for the test and the daemon alike.
const env = () => ({ ...process.env, TMUX_TMPDIR: tmuxDir, TMUX: "", CLAWHIP_DAEMON_URL: daemon?.url ?? "" });
const tmux = (...args: string[]) => execFileSync("tmux", args, { env: env(), encoding: "utf8" });

const start = () =>
  startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")], { TMUX_TMPDIR: tmuxDir, TMUX: "" });

async function stop(): Promise<void> {
  daemon?.child.kill("SIGTERM");
  await daemon?.exited;
  daemon = undefined;
}

beforeAll(async () => {
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), "clawhip-tmux-e2e-"));
  tmuxDir = await mkdtemp(join(tmpdir(), "clawhip-tmux-sock-"));
  await writeFile(
    join(dir, "clawhip.toml"),
    `[[routes]]\nevent = "tmux.*"\nwebhook = "${receiver.url}/api/webhooks/1/tmux"\n\n[monitors.tmux]\npoll_interval_ms = 200\n`,
  );
  tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "20", "sh");
  daemon = await start();
});

afterAll(async () => {
  await stop();
  try {
    tmux("kill-server");
  } catch {
    // The server is already gone when its last session ended.
  }
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(tmuxDir, { recursive: true, force: true });
});

const contents = () => receiver.delivered.map((r) => r.body.content as string);
const listed = () => {
  const out = execFileSync(process.execPath, [CLI, "tmux", "list", "--json"], { env: env(), encoding: "utf8" });
  return JSON.parse(out).registrations as Array<{ session: string; last_polled_at?: string }>;
};
const registered = async () => listed().map((r) => r.session);
/** The monitor has read the pane once: output from now on is new output to it. */
const watching = () =>
  until(() => listed().some((r) => r.session === SESSION && r.last_polled_at !== undefined), 10_000, "the monitor's first look");

describe("tmux keyword monitor (Debian tmux, private server)", () => {
  it("a session printing a keyword produces the keyword event, and its registration survives a daemon restart", async () => {
    execFileSync(
      process.execPath,
      [CLI, "tmux", "watch", "-s", SESSION, "--keywords", "DEPLOY-FAILED", "--keyword-window-secs", "1", "--json"],
      {
        env: env(),
      },
    );
    expect(await registered()).toEqual([SESSION]);
    await watching();
    // printf builds the keyword, so the typed command line itself does not contain it.
    const say = async (word: string) => {
      tmux("send-keys", "-t", SESSION, `printf 'DEPLOY-%s: ${word}\\n' FAILED`, "Enter");
      await until(
        () => contents().includes(`tmux:${SESSION} matched 'DEPLOY-FAILED' => DEPLOY-FAILED: ${word}`),
        20_000,
        `the ${word} keyword event`,
      );
    };
    await say("first");

    await stop();
    daemon = await start();
    expect(await registered()).toEqual([SESSION]);
    // The restarted monitor takes a fresh baseline; output after it is reported.
    await watching();
    await say("second");
  });

  it("a registration ends when its tmux session is gone", async () => {
    tmux("kill-session", "-t", SESSION);
    await until(async () => (await registered()).length === 0, 20_000, "the registration to end");
  });
});
