import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipIgnoredSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../../test/support/daemon-process.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { type RunningDaemon, startDaemon } from "../ingress/daemon.js";
import { parseConfigObject } from "../route/config-file.js";
import { githubSignatureValid } from "./github-webhook.js";

const SECRET = "gh-webhook-secret-for-tests";
const TOKEN = "a-daemon-token-of-16-chars";
const receiver = new WebhookReceiver();
let daemon: RunningDaemon;
let unconfigured: RunningDaemon;
let stateDir: string;

beforeAll(async () => {
  await receiver.start();
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-github-"));
  const parsed = parseConfigObject({
    daemon: { token: TOKEN },
    github: { webhook_secret: SECRET },
    routes: [{ event: "github.*", webhook: `${receiver.url}/api/webhooks/1/gh` }],
    delivery: { rate_per_sec: 1000, rate_burst: 1000 },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  daemon = await startDaemon({ config: parsed.config, stateDir: join(stateDir, "a"), port: 0, log: () => {} });
  const bare = parseConfigObject({});
  if (!bare.ok) throw new Error(bare.error);
  unconfigured = await startDaemon({ config: bare.config, stateDir: join(stateDir, "b"), port: 0, log: () => {} });
});

afterAll(async () => {
  await daemon.close();
  await unconfigured.close();
  await receiver.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function deliver(event: string, payload: unknown, signature?: string | null, url = daemon.url) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json", "x-github-event": event };
  const sig = signature === undefined ? sign(body) : signature;
  if (sig !== null) headers["x-hub-signature-256"] = sig;
  const response = await fetch(`${url}/github`, { method: "POST", headers, body });
  return { status: response.status, body: (await response.json()) as any };
}

const repository = { full_name: "Yeachan-Heo/clawhip" };
const delivered = () => receiver.delivered.map((r) => r.body.content as string);

describe("POST /github: signed GitHub webhook deliveries", () => {
  it("a signed delivery is accepted without the daemon's bearer token, and rendered as upstream does", async () => {
    const cases: Array<[string, unknown, string, string]> = [
      [
        "issues",
        { action: "opened", repository, issue: { number: 7, title: "Hooks drop events" } },
        "github.issue-opened",
        "Yeachan-Heo/clawhip#7 opened: Hooks drop events",
      ],
      [
        "issues",
        { action: "closed", repository, issue: { number: 7, title: "Hooks drop events" } },
        "github.issue-closed",
        "Yeachan-Heo/clawhip#7 closed: Hooks drop events",
      ],
      [
        "issue_comment",
        { action: "created", repository, issue: { number: 7, title: "Hooks drop events", comments: 3 } },
        "github.issue-commented",
        "Yeachan-Heo/clawhip#7 commented (3 comments): Hooks drop events",
      ],
      [
        "pull_request",
        {
          action: "closed",
          repository,
          pull_request: { number: 9, title: "Fix hooks", merged: true, html_url: "https://github.com/x/pull/9" },
        },
        "github.pr-status-changed",
        "PR Yeachan-Heo/clawhip#9 open -> merged: Fix hooks",
      ],
      [
        "release",
        {
          action: "published",
          repository,
          sender: { login: "yeachan" },
          release: { tag_name: "v0.6.0", name: "clawhip 0.6.0", html_url: "https://github.com/r/v0.6.0" },
        },
        "github.release-published",
        'release published · Yeachan-Heo/clawhip v0.6.0 "clawhip 0.6.0" · https://github.com/r/v0.6.0',
      ],
      [
        "workflow_run",
        {
          action: "completed",
          repository,
          workflow_run: {
            name: "CI",
            status: "completed",
            conclusion: "failure",
            head_sha: "abcdef1234567890",
            head_branch: "main",
            html_url: "https://github.com/r/actions/runs/1",
            pull_requests: [{ number: 58 }],
          },
        },
        "github.ci-failed",
        "CI failed · Yeachan-Heo/clawhip#58 · CI · failure · abcdef1 · https://github.com/r/actions/runs/1",
      ],
    ];
    for (const [event, payload, kind, text] of cases) {
      expect(await deliver(event, payload)).toMatchObject({ status: 202, body: { ok: true, type: kind } });
      await until(() => delivered().includes(text), 10_000, `the ${kind} delivery`);
    }
  });

  it("an unsigned or mis-signed delivery is 401 and routes nothing", async () => {
    const before = receiver.requests.length;
    const payload = { action: "opened", repository, issue: { number: 8, title: "forged" } };
    expect(await deliver("issues", payload, null)).toMatchObject({ status: 401, body: { ok: false } });
    expect(await deliver("issues", payload, sign(JSON.stringify(payload), "another-secret-value"))).toMatchObject({ status: 401 });
    expect(await deliver("issues", payload, "sha256=zz")).toMatchObject({ status: 401 });
    expect(await deliver("issues", payload, sign(JSON.stringify(payload)).replace("sha256=", "sha1="))).toMatchObject({ status: 401 });
    expect((await deliver("issues", payload)).status).toBe(202);
    await until(() => delivered().includes("Yeachan-Heo/clawhip#8 opened: forged"), 10_000, "the one signed delivery");
    expect(receiver.requests.length - before).toBe(1);
  });

  it("an event clawhip has no family for is acknowledged as ignored (GitHub would retry a 4xx)", async () => {
    const reply = await deliver("star", { action: "created", repository });
    expect(reply.status).toBe(202);
    expect(ClawhipIgnoredSchema.parse(reply.body).reason).toContain("star");
  });

  it("a signed delivery whose fields have the wrong types is a 400 naming the field", async () => {
    const reply = await deliver("issues", { action: "opened", repository, issue: { number: "seven", title: "t" } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toContain("issue.number");
  });

  it("without a configured secret every delivery is refused, with the reason", async () => {
    const reply = await deliver("issues", { action: "opened", repository, issue: { number: 1, title: "t" } }, undefined, unconfigured.url);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toContain("webhook_secret");
  });

  it("githubSignatureValid checks the exact bytes", () => {
    const body = Buffer.from('{"a":1}');
    expect(githubSignatureValid(SECRET, body, sign('{"a":1}'))).toBe(true);
    expect(githubSignatureValid(SECRET, body, sign('{"a": 1}'))).toBe(false);
    expect(githubSignatureValid(SECRET, body, undefined)).toBe(false);
  });
});
