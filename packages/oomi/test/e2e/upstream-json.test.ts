import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  OomiCreateLocalResultSchema,
  OomiCreateManagedResultSchema,
  OomiInviteResultSchema,
  OomiJobCallResultSchema,
  OomiLaunchResultSchema,
  OomiOpenclawStatusResultSchema,
  OomiPairResultSchema,
  OomiPersonaCallResultSchema,
  OomiScaffoldResultSchema,
  OomiStatusResultSchema,
  OomiStopResultSchema,
} from "@clawbridge/contracts";
import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { isProcessAlive } from "../../src/runtime/process-group.js";
import { DEVICE, installLightFixture, startTestBackend, testEnv } from "../support.js";
import { UPSTREAM, upstreamMismatches } from "../upstream-shapes.js";
import { type CliRun, oomi } from "./cli-run.js";

let backend: RunningOomiBackend;
let home: string;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ backend, home, root } = await startTestBackend());
  // OOMI_APP_URL as the `pnpm start` banner exports it: pair finds the backend without --app-url.
  env = { ...testEnv(home, backend.url), OOMI_APP_URL: backend.url };
});
afterAll(() => backend.stop());

/** A run's output: exit 0, upstream's recorded shape held, and valid under our contract schema. */
function expectUpstreamShape(command: string, run: CliRun, schema: z.ZodType): Record<string, any> {
  expect(run.exitCode, `${command}: ${run.stderr}`).toBe(0);
  expect(upstreamMismatches(command, run.json), command).toEqual([]);
  const parsed = schema.safeParse(run.json);
  expect(parsed.success, `${command}: ${parsed.error?.message}`).toBe(true);
  return run.json;
}

describe("oomi --json holds upstream oomi-ai 0.2.50's recorded shapes (test/fixtures/upstream/json-expectations.json)", () => {
  it("every recorded command, run for real against the local backend", async () => {
    const slug = "shape-check";
    const workspace = join(root, slug);
    const scaffold = await oomi(
      ["personas", "scaffold", "scaffold-only", "--name", "S", "--description", "d", "--out", join(home, "scaffold-only"), "--json"],
      env,
    );
    expect(expectUpstreamShape("personas scaffold", scaffold, OomiScaffoldResultSchema).editableZones).toEqual(["src/persona", "persona"]);

    await installLightFixture(root, slug, { defaultPort: 45400 });
    const created = await oomi(["personas", "create-managed", slug, "--name", "Shape Check", "--description", "d", "--json"], env);
    const jobId = expectUpstreamShape("personas create-managed", created, OomiCreateManagedResultSchema).personaJob.jobId;

    const launched = await oomi(["personas", "launch-managed", slug, "--workspace-root", root, "--json"], env);
    const launch = expectUpstreamShape("personas launch-managed", launched, OomiLaunchResultSchema);
    expect(launch.runtime.endpoint).toBe(`http://192.168.50.161:${launch.localRuntime.localPort}`);
    expect(launch.state.workspacePath).toBe(workspace);

    const status = await oomi(["personas", "status", slug, "--json"], env);
    expect(expectUpstreamShape("personas status", status, OomiStatusResultSchema)).toMatchObject({
      processRunning: true,
      workspaceRoot: root,
      runtimeStatePath: join(workspace, ".oomi", "runtime.json"),
      migratedFromLegacy: false,
    });

    const port = String(launch.localRuntime.localPort);
    const registered = await oomi(["personas", "runtime-register", slug, "--local-port", port, "--json"], env);
    expectUpstreamShape("personas runtime-register", registered, OomiPersonaCallResultSchema);
    const beat = await oomi(["personas", "heartbeat", slug, "--local-port", port, "--json"], env);
    expect(expectUpstreamShape("personas heartbeat", beat, OomiPersonaCallResultSchema).persona.runtime.lastHeartbeatAt).toBe(
      beat.json.request.observedAt,
    );

    const started = await oomi(["persona-jobs", "start", jobId, "--json"], env);
    expect(expectUpstreamShape("persona-jobs start", started, OomiJobCallResultSchema).job.status).toBe("running");
    // No --local-port: derived from the workspace's .oomi/runtime.json; upstream's derived fields are sent.
    const succeeded = await oomi(["persona-jobs", "succeed", jobId, "--workspace-path", workspace, "--json"], env);
    const job = expectUpstreamShape("persona-jobs succeed", succeeded, OomiJobCallResultSchema).job;
    for (const field of UPSTREAM.commands["persona-jobs succeed"]?.sent ?? []) expect(job.result, field).toHaveProperty(field);
    expect(job.result).toMatchObject({
      transport: "local",
      endpoint: launch.runtime.endpoint,
      healthcheckUrl: launch.runtime.healthcheckUrl,
    });

    const second = await oomi(["personas", "create-managed", "shape-fail", "--name", "Shape Fail", "--json"], env);
    const failed = await oomi(["persona-jobs", "fail", second.json.personaJob.jobId, "--code", "X", "--message", "why", "--json"], env);
    expect(expectUpstreamShape("persona-jobs fail", failed, OomiJobCallResultSchema).job.status).toBe("failed");

    const pair = await oomi(["openclaw", "pair", "--no-start", "--device-id", "shape-device", "--label", "shapes", "--json"], env);
    expect(expectUpstreamShape("openclaw pair", pair, OomiPairResultSchema)).toMatchObject({
      bridgeMode: "skipped",
      brokerHttpUrl: backend.url,
      brokerDeviceWsUrl: `${backend.url.replace("http", "ws")}/v1/device/ws`,
    });
    expect(pair.stdout).not.toContain(DEVICE.deviceToken);

    const invite = await oomi(["openclaw", "invite", "--json"], env);
    const link = expectUpstreamShape("openclaw invite", invite, OomiInviteResultSchema);
    expect(link).toMatchObject({ appUrl: backend.url, backendHttp: backend.url, sessionKey: "agent:main:webchat:channel:oomi" });
    expect((await fetch(link.inviteUrl)).status).toBe(200);

    const openclawStatus = await oomi(["openclaw", "status", "--json"], env);
    const bridge = expectUpstreamShape("openclaw status", openclawStatus, OomiOpenclawStatusResultSchema);
    expect(bridge.bridgeState).toMatchObject({ deviceId: "shape-device", deviceToken: "[redacted]" });

    const failRuntime = await oomi(["personas", "runtime-fail", slug, "--code", "E", "--message", "m", "--json"], env);
    expect(expectUpstreamShape("personas runtime-fail", failRuntime, OomiPersonaCallResultSchema).persona.lifecycle).toBe("failed");

    const stop = await oomi(["personas", "stop", slug, "--json"], env);
    expect(expectUpstreamShape("personas stop", stop, OomiStopResultSchema)).toMatchObject({ stopped: true, state: { status: "stopped" } });
    const deleted = await oomi(["personas", "delete", slug, "--json"], env);
    expect(expectUpstreamShape("personas delete", deleted, OomiStopResultSchema)).toMatchObject({ deleted: true, stopped: false });
  });

  it("pair without --no-start starts the background bridge, as upstream's pair starts its bridge", async () => {
    const bridgeHome = await mkdtemp(join(tmpdir(), "oomi-pair-bridge-"));
    const bridgeEnv = { ...env, HOME: bridgeHome };
    delete (bridgeEnv as Record<string, string | undefined>).OOMI_DEVICE_TOKEN;
    delete (bridgeEnv as Record<string, string | undefined>).OOMI_DEVICE_ID;
    const pair = await oomi(["openclaw", "pair", "--device-id", "bridge-box", "--json"], bridgeEnv);
    const paired = expectUpstreamShape("openclaw pair", pair, OomiPairResultSchema);
    try {
      expect(paired).toMatchObject({ bridgeMode: "detached", bridge: { alreadyRunning: false } });
      expect(isProcessAlive(paired.bridge.pid)).toBe(true);
      const status = await oomi(["openclaw", "status", "--json"], bridgeEnv);
      expect(status.json).toMatchObject({ bridge: { running: true, pid: paired.bridge.pid } });
    } finally {
      const stopped = await oomi(["openclaw", "bridge", "stop", "--json"], bridgeEnv);
      expect(stopped.json).toMatchObject({ ok: true, stopped: true });
    }
    expect(isProcessAlive(paired.bridge.pid)).toBe(false);
  });

  it("exit codes: create-managed without --name is 1, status of an unknown persona is 1 with its fields, --version is 0; errors reach stderr under --json", async () => {
    const noName = await oomi(["personas", "create-managed", "nameless", "--json"], env);
    expect(noName.exitCode).toBe(1);
    expect(noName.json.error.code).toBe("NAME_REQUIRED");
    expect(noName.stderr).toContain("Persona name is required");

    const unknown = await oomi(["personas", "status", "nobody-here", "--json"], env);
    expect(unknown.exitCode).toBe(1);
    expect(OomiStatusResultSchema.parse(unknown.json)).toMatchObject({
      ok: false,
      workspaceExists: false,
      error: { code: "PERSONA_NOT_FOUND" },
    });
    expect(unknown.stderr).toContain("no managed persona nobody-here");

    const usage = await oomi(["personas", "status", "x", "--bogus", "--json"], env);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("unknown option '--bogus'");

    // Upstream's `personas create` syncs without a token and gets 401 from this backend; ours sends the device token.
    const local = await oomi(["personas", "create", "repo-persona", "--name", "Repo Persona", "--json"], env, home);
    expect(local.exitCode, local.stderr).toBe(0);
    expect(OomiCreateLocalResultSchema.parse(local.json)).toMatchObject({ ok: true, synced: true });
    const synced = await fetch(`${backend.url}/v1/personas/repo-persona`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } });
    expect(((await synced.json()) as { persona: { name: string } }).persona.name).toBe("Repo Persona");

    const version = await oomi(["--version"], env);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
