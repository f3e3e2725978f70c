import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { type RunningDaemon, startDaemon } from "../ingress/daemon.js";
import { parseConfigObject } from "../route/config-file.js";
import { runCli } from "./program.js";

let dir: string;
let daemon: RunningDaemon;
const receiver = new WebhookReceiver();
const TOKEN = "cli-test-token-0123456789";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "clawhip-cli-"));
  await receiver.start();
  await writeFile(
    join(dir, "clawhip.toml"),
    `[defaults]
channel = "fallback"

[[routes]]
event = "session.*"
filter = { tool = "omx" }
webhook = "${receiver.url}/api/webhooks/1/secret-part"
format = "inline"

[[routes]]
event = "session.failed"
slack_webhook = "https://hooks.slack.com/services/T/B/very-secret"
mention = "<!here>"
`,
  );
  await writeFile(join(dir, "bad.toml"), `[[routes]]\nevent = "x"\nsink = "teams"\n`);
  await writeFile(
    join(dir, "omx-failed.json"),
    JSON.stringify({
      type: "notify",
      payload: { context: { normalized_event: "failed", session_name: "issue-5", error_summary: "exit 2" } },
    }),
  );
  const parsed = parseConfigObject({
    daemon: { token: TOKEN },
    routes: [{ event: "*", webhook: `${receiver.url}/api/webhooks/1/secret-part` }],
  });
  if (!parsed.ok) throw new Error(parsed.error);
  daemon = await startDaemon({ config: parsed.config, stateDir: join(dir, "state"), port: 0, log: () => {} });
});

afterAll(async () => {
  await daemon.close();
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], options: Parameters<typeof recordingIo>[0] = {}) {
  const io = recordingIo({ cwd: dir, ...options });
  const code = await runCli(args, io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

describe("clawhip CLI", () => {
  it("normalize prints the canonical event; --json wraps it in one envelope", async () => {
    const human = await cli(["normalize", "omx-failed.json"]);
    expect(human.code).toBe(0);
    expect(JSON.parse(human.out)).toMatchObject({
      kind: "session.failed",
      priority: "critical",
      payload: { error_message: "exit 2", issue_number: 5 },
    });
    const json = await cli(["normalize", "--json", "-"], {
      stdin: JSON.stringify({ schema_version: "1", context: { normalized_event: "started" } }),
    });
    expect(json.code).toBe(2);
    const hook = await cli(["normalize", "--ingress", "omx-hook", "--json", "-"], {
      stdin: JSON.stringify({ schema_version: "1", context: { normalized_event: "started" } }),
    });
    expect(JSON.parse(hook.out)).toMatchObject({
      ok: true,
      event: { kind: "session.started", payload: { tool: "omx", raw_event: "started" } },
    });
  });

  it("render prints each format character for character", async () => {
    expect((await cli(["render", "--format", "inline", "omx-failed.json"])).out).toBe("[omx issue-5] failed · issue #5 · error: exit 2\n");
    expect((await cli(["render", "--format", "alert", "omx-failed.json"])).out).toBe("🚨 omx issue-5 failed (issue=#5, error=exit 2)\n");
    const json = JSON.parse((await cli(["render", "--json", "omx-failed.json"])).out);
    expect(json).toEqual({ ok: true, type: "session.failed", format: "compact", text: "omx issue-5 failed (issue=#5, error=exit 2)" });
  });

  it("routes test shows every delivery, with webhook secrets redacted", async () => {
    const result = await cli(["routes", "test", "--config", "clawhip.toml", "--json", "omx-failed.json"]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.out);
    expect(body.deliveries.map((d: any) => [d.route, d.sink, d.target.value, d.content])).toEqual([
      [0, "discord", `${receiver.url}/…`, "[omx issue-5] failed · issue #5 · error: exit 2"],
      [1, "slack", "https://hooks.slack.com/…", "<!here> omx issue-5 failed (issue=#5, error=exit 2)"],
    ]);
    expect(result.out).not.toContain("secret");
    const human = await cli(["routes", "test", "omx-failed.json"]);
    expect(human.out).toContain("route #1 → https://hooks.slack.com/… (slack, compact): <!here> omx issue-5 failed");
  });

  it("config check reports routes and warnings, and names config errors with exit 2", async () => {
    const ok = JSON.parse((await cli(["config", "check", "--json"])).out);
    expect(ok).toMatchObject({ ok: true, routes: 2, defaultChannel: "fallback" });
    expect(ok.warnings[0]).toContain("Discord bot token");
    const bad = await cli(["config", "check", "--config", "bad.toml", "--json"]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).error.message).toContain("routes.0.sink");
    const missing = await cli(["config", "check", "--config", "nope.toml"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("ENOENT");
  });

  it("emit validates locally, posts with the token, and the event is delivered", async () => {
    const env = { CLAWHIP_DAEMON_URL: daemon.url, CLAWHIP_TOKEN: TOKEN };
    const sent = await cli(["emit", "agent.finished", "--agent", "omx", "--session", "cli-1", "--elapsed", "5", "--json"], { env });
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.out)).toMatchObject({ ok: true, type: "agent.finished" });
    await receiver.waitFor((rs) => rs.some((r) => r.body.content === "agent omx (finished, session=cli-1, elapsed=5s)"));
    const dry = await cli(["emit", "session.failed", "--agent", "omx", "--dry-run", "--json"], { env: {} });
    expect(JSON.parse(dry.out)).toMatchObject({ ok: true, dryRun: true, type: "session.failed" });
    const unauthorized = await cli(["emit", "agent.started", "--agent", "omx", "--url", daemon.url, "--json"]);
    expect(unauthorized.code).toBe(1);
    expect(JSON.parse(unauthorized.out).error.code).toBe("daemon_401");
  });

  it("omx hook and native hook post the raw body and print the daemon's reply", async () => {
    const env = { CLAWHIP_DAEMON_URL: daemon.url, CLAWHIP_TOKEN: TOKEN };
    const omx = await cli(
      [
        "omx",
        "hook",
        "--payload",
        JSON.stringify({ schema_version: "1", context: { normalized_event: "test-failed", session_name: "issue-8" } }),
      ],
      { env },
    );
    expect(omx.code).toBe(0);
    expect(JSON.parse(omx.out)).toMatchObject({ ok: true, type: "session.test-failed" });
    const rejected = await cli(["omx", "hook", "--json"], { env, stdin: JSON.stringify({ schema_version: "2", context: {} }) });
    expect(rejected.code).toBe(2);
    expect(JSON.parse(rejected.out).error.message).toBe("daemon answered 400: unsupported schema_version '2'");
    const native = await cli(
      ["native", "hook", "--json", "--payload", JSON.stringify({ provider: "claude-code", event_name: "SessionStart", project: "p" })],
      { env },
    );
    expect(JSON.parse(native.out)).toMatchObject({ ok: true, type: "session.started" });
    const notJson = await cli(["native", "hook", "--payload", "{nope", "--json"], { env });
    expect(notJson.code).toBe(2);
    expect(JSON.parse(notJson.out).error.code).toBe("invalid_json");
  });

  it("usage errors exit 2 with one JSON document under --json", async () => {
    const unknown = await cli(["frobnicate", "--json"]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.out)).toMatchObject({ ok: false, error: { code: "usage" } });
    expect((await cli(["render", "--format", "loud", "x.json"])).code).toBe(2);
    expect((await cli(["normalize", "missing.json"])).code).toBe(2);
  });
});
