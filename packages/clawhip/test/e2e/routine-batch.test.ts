import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const receiver = new WebhookReceiver();
let dir: string;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), "clawhip-batch-e2e-"));
});

afterAll(async () => {
  daemon?.child.kill("SIGKILL");
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A config whose routine batch window is `windowSecs`; the first daemon's never closes during the test. */
async function writeConfig(windowSecs: number): Promise<string> {
  const path = join(dir, `clawhip-${windowSecs}.toml`);
  await writeFile(
    path,
    `[dispatch]
routine_batch_window_secs = ${windowSecs}

[[routes]]
event = "tmux.keyword"
webhook = "${receiver.url}/api/webhooks/1/batch"
mention = "<@ops>"
`,
  );
  return path;
}

async function post(url: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}/event`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

const keyword = (line: string) => ({ type: "tmux.keyword", payload: { session: "issue-122", keyword: "error", line } });

describe("routine batching across a kill -9", () => {
  it("events acknowledged inside an open window survive a kill -9 and go out as one message after the restart", async () => {
    const stateDir = join(dir, "state");
    daemon = await startDaemonProcess(["--config", await writeConfig(3600), "--state-dir", stateDir]);
    expect(await post(daemon.url, keyword("first"))).toBe(202);
    expect(await post(daemon.url, keyword("second"))).toBe(202);
    // Acknowledged means spooled: both wait in the spool while the hour-long window is open.
    expect((await daemon.health()).pending).toBe(2);
    expect(receiver.requests).toHaveLength(0);
    daemon.child.kill("SIGKILL");
    await daemon.exited;

    daemon = await startDaemonProcess(["--config", await writeConfig(1), "--state-dir", stateDir]);
    await until(async () => (await daemon?.health())?.delivered === 2, 20_000, "the recovered batch to be delivered");
    expect(receiver.requests.map((r) => r.body.content)).toEqual([
      "tmux:issue-122 matched 'error' => first\ntmux:issue-122 matched 'error' => second",
    ]);
    expect((await daemon.health()).pending).toBe(0);
  });
});
