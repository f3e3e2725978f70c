import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const SECRET = "e2e-github-webhook-secret";
const receiver = new WebhookReceiver();
let dir: string;
let repo: string;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  await receiver.start();
  dir = await realpath(await mkdtemp(join(tmpdir(), "clawhip-sources-e2e-")));
  repo = join(dir, "shipyard");
  execFileSync("git", ["-c", "init.defaultBranch=main", "init", "-q", repo]);
  await writeFile(join(dir, "clawhip.toml"), `[[routes]]\nevent = "*"\nwebhook = "${receiver.url}/api/webhooks/1/sources"\n`);
  daemon = await startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")], {
    CLAWHIP_GITHUB_WEBHOOK_SECRET: SECRET,
  });
});

afterAll(async () => {
  daemon?.child.kill("SIGTERM");
  await daemon?.exited;
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

const contents = () => receiver.delivered.map((r) => r.body.content as string);
const env = () => ({
  ...process.env,
  CLAWHIP_DAEMON_URL: daemon?.url ?? "",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
});
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env: env(), encoding: "utf8" }).trim();

describe("event sources through the built daemon", () => {
  it("a real git commit in a repo with the installed hook reaches the webhook as upstream renders it; a branch checkout too", async () => {
    execFileSync(process.execPath, [CLI, "git", "install-hooks"], { cwd: repo, env: env() });
    await writeFile(join(repo, "README.md"), "hello\n");
    git("add", "README.md");
    git("commit", "-q", "-m", "ship it");
    const sha = git("rev-parse", "--short=7", "HEAD");
    await until(() => contents().includes(`git:shipyard@main ${sha} ship it`), 20_000, "the git.commit delivery");

    git("checkout", "-q", "-b", "feature");
    await until(() => contents().includes("git:shipyard branch changed main -> feature"), 20_000, "the git.branch-changed delivery");
  });

  it("a signed GitHub delivery is accepted; an unsigned or mis-signed one is 401", async () => {
    const body = JSON.stringify({
      action: "opened",
      repository: { full_name: "acme/shipyard" },
      issue: { number: 12, title: "Dock is full" },
    });
    const post = (signature?: string) =>
      fetch(`${daemon?.url}/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "issues",
          ...(signature ? { "x-hub-signature-256": signature } : {}),
        },
        body,
      });
    const good = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const bad = `sha256=${createHmac("sha256", "not-the-secret-at-all").update(body).digest("hex")}`;
    expect((await post()).status).toBe(401);
    expect((await post(bad)).status).toBe(401);
    const accepted = await post(good);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ ok: true, type: "github.issue-opened" });
    await until(() => contents().includes("acme/shipyard#12 opened: Dock is full"), 20_000, "the GitHub issue delivery");
    expect(contents().filter((c) => c.includes("Dock is full"))).toHaveLength(1);
  });
});
