import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipHealthSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { until } from "../../test/support/daemon-process.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { type RunningDaemon, startDaemon } from "../ingress/daemon.js";
import { parseConfigObject } from "../route/config-file.js";
import { runCli } from "./program.js";

const receiver = new WebhookReceiver();
let daemon: RunningDaemon;
let stateDir: string;

beforeAll(async () => {
  await receiver.start();
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-cli-daemon-"));
  const parsed = parseConfigObject({ routes: [{ event: "*", webhook: `${receiver.url}/api/webhooks/1/cli` }] });
  if (!parsed.ok) throw new Error(parsed.error);
  daemon = await startDaemon({ config: parsed.config, stateDir, port: 0, log: () => {} });
});

afterAll(async () => {
  await daemon.close();
  await receiver.stop();
  await rm(stateDir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const io = recordingIo({ env: { CLAWHIP_DAEMON_URL: daemon.url } });
  const code = await runCli(args, io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

const delivered = () => receiver.delivered.map((r) => r.body.content as string);

describe("daemon commands for upstream script compatibility", () => {
  it("status prints /health with the port, token source and monitor counts (upstream health_payload_includes_version_and_token_source)", async () => {
    const { code, out } = await cli(["status", "--json"]);
    expect(code).toBe(0);
    const health = ClawhipHealthSchema.parse(JSON.parse(out).health);
    expect(health).toMatchObject({
      ok: true,
      port: daemon.port,
      token_source: "missing",
      webhook_routes_configured: true,
      registered_tmux_sessions: 0,
      github_webhook_configured: false,
      daemon_base_url: null,
    });
  });

  it("agent finished / failed post agent.* events rendered as upstream (events.rs agent rendering)", async () => {
    const finished = await cli([
      "agent",
      "finished",
      "--name",
      "worker-1",
      "--session",
      "sess-123",
      "--project",
      "my-repo",
      "--elapsed",
      "300",
      "--summary",
      "PR created",
    ]);
    expect(finished.code).toBe(0);
    const failed = await cli([
      "agent",
      "failed",
      "--name",
      "worker-1",
      "--session",
      "sess-123",
      "--project",
      "my-repo",
      "--elapsed",
      "17",
      "--summary",
      "after test run",
      "--error",
      "build failed",
    ]);
    expect(failed.code).toBe(0);
    await until(
      () => delivered().includes("agent worker-1 (finished, project=my-repo, session=sess-123, elapsed=300s, summary=PR created)"),
      10_000,
      "agent.finished",
    );
    await until(
      () =>
        delivered().includes(
          "agent worker-1 (failed, project=my-repo, session=sess-123, elapsed=17s, summary=after test run, error=build failed)",
        ),
      10_000,
      "agent.failed",
    );
  });

  it("agent failed needs --error, --elapsed must be whole seconds", async () => {
    expect((await cli(["agent", "failed", "--name", "w"])).code).toBe(2);
    const bad = await cli(["agent", "started", "--name", "w", "--elapsed", "1.5"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--elapsed must be whole seconds");
  });

  it("send posts a custom message, delivered as written", async () => {
    expect((await cli(["send", "--message", "deploy window opens at 14:00"])).code).toBe(0);
    await until(() => delivered().includes("deploy window opens at 14:00"), 10_000, "the custom message");
    expect((await cli(["send", "--message", ""])).code).toBe(2);
  });
});
