import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OomiBridgeStartResultSchema, OomiBridgeStopResultSchema, OomiJobExecutionResultSchema } from "@clawbridge/contracts";
import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeLogPath } from "../../src/paths.js";
import { isPortFree } from "../../src/runtime/port.js";
import { isProcessAlive } from "../../src/runtime/process-group.js";
import { DEVICE, FIXTURE_DIR, installLightFixture, startTestBackend, testEnv } from "../support.js";
import { expectStopThenDelete, oomi } from "./cli-run.js";

let backend: RunningOomiBackend;
let home: string;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ backend, home, root } = await startTestBackend());
  env = testEnv(home, backend.url);
});
afterAll(() => backend.stop());

async function backendPersona(slug: string) {
  const response = await fetch(`${backend.url}/v1/personas/${slug}`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } });
  return (await response.json()) as Record<string, any>;
}

describe("oomi CLI: the seed's managed creation order (light dev server)", () => {
  it("scaffold → verify → create-managed → launch-managed → runtime.json → status → heartbeat, every --json ok; stop frees the port; delete removes the workspace", async () => {
    const slug = "tokyo-guide";
    const workspace = join(root, slug);
    const description = "Personal travel assistant for Tokyo trip planning - itineraries, food, culture, and summer tips for July";

    const scaffold = await oomi(
      ["personas", "scaffold", slug, "--name", "Tokyo Guide", "--description", description, "--out", workspace, "--force", "--json"],
      env,
    );
    expect(scaffold.exitCode).toBe(0);
    expect(scaffold.json).toMatchObject({ ok: true, slug, outDir: workspace });

    for (const file of ["persona.json", "oomi.runtime.json", "package.json"]) expect(existsSync(join(workspace, file)), file).toBe(true);

    // The light variant swaps the scaffold's Vite app for a tiny node server; the real-scaffold test keeps Vite.
    await cp(join(FIXTURE_DIR, "server.mjs"), join(workspace, "server.mjs"));
    await cp(join(FIXTURE_DIR, "package.json"), join(workspace, "package.json"));
    await mkdir(join(workspace, "public"), { recursive: true });
    const runtimeConfig = JSON.parse(await readFile(join(FIXTURE_DIR, "oomi.runtime.json"), "utf8"));
    await writeFile(join(workspace, "oomi.runtime.json"), JSON.stringify({ ...runtimeConfig, defaultPort: 45300 }));

    const created = await oomi(["personas", "create-managed", slug, "--name", "Tokyo Guide", "--description", description, "--json"], env);
    expect(created.exitCode).toBe(0);
    expect(created.json).toMatchObject({
      ok: true,
      persona: { slug, name: "Tokyo Guide" },
      personaJob: { status: "queued", deviceId: DEVICE.deviceId },
    });

    const launched = await oomi(["personas", "launch-managed", slug, "--workspace-root", root, "--force-install", "--json"], env);
    expect(launched.exitCode, launched.stderr).toBe(0);
    expect(launched.json).toMatchObject({
      ok: true,
      createdPersona: false,
      launch: { ok: true, slug, workspacePath: workspace, installed: true, reusedRunningProcess: false },
      runtime: { transport: "local" },
      registration: { ok: true, persona: { slug, lifecycle: "running" } },
    });

    const runtime = JSON.parse(await readFile(join(workspace, ".oomi", "runtime.json"), "utf8"));
    expect(runtime).toMatchObject({
      slug,
      status: "running",
      reachableHost: "192.168.50.161",
      logFilePath: join(workspace, ".oomi", "runtime.log"),
    });
    expect(runtime.entryUrl).toBe(`http://192.168.50.161:${runtime.localPort}`);
    expect(await (await fetch(runtime.healthcheckUrl)).json()).toMatchObject({ ok: true, status: "healthy" });
    expect((await backendPersona(slug)).persona).toMatchObject({
      lifecycle: "running",
      runtime: { endpoint: runtime.entryUrl, healthcheckUrl: runtime.healthcheckUrl },
    });

    const status = await oomi(["personas", "status", slug, "--json"], env);
    expect(status.json).toMatchObject({ ok: true, processAlive: true, healthy: true, state: { localPort: runtime.localPort } });

    const heartbeat = await oomi(["personas", "heartbeat", slug, "--local-port", String(runtime.localPort), "--json"], env);
    expect(heartbeat.exitCode).toBe(0);
    expect(heartbeat.json).toMatchObject({ ok: true, request: { endpoint: runtime.entryUrl, localPort: runtime.localPort } });
    expect((await backendPersona(slug)).persona.runtime.lastHeartbeatAt).toBe(heartbeat.json.request.observedAt);

    await expectStopThenDelete(slug, runtime, workspace, env);
  });
});

describe("oomi CLI: wrong orders fail fast with the seed's guidance (exit 1)", () => {
  it("heartbeat and runtime-register before create-managed name create-managed", async () => {
    const heartbeat = await oomi(["personas", "heartbeat", "not-created", "--local-port", "4790", "--json"], env);
    expect(heartbeat.exitCode).toBe(1);
    expect(heartbeat.json.error).toMatchObject({
      code: "PERSONA_NOT_FOUND",
      message: expect.stringContaining("oomi personas create-managed not-created"),
    });
    const register = await oomi(["personas", "runtime-register", "not-created", "--local-port", "4791"], env);
    expect(register.exitCode).toBe(1);
    expect(register.stderr).toContain("recovery-only");
    expect(register.stderr).toContain("create-managed");
  });

  it("launch-managed with no persona and no --name, and with --no-create, refuse with the exact messages", async () => {
    const noName = await oomi(["personas", "launch-managed", "ghost", "--json"], env);
    expect(noName.exitCode).toBe(1);
    expect(noName.json.error.message).toBe(
      'Persona name is required when creating a new managed persona implicitly. Prefer running `oomi personas create-managed <slug> --name "<name>" --description "<description>"` first instead of relying on launch-managed auto-create.',
    );
    const noCreate = await oomi(["personas", "launch-managed", "ghost", "--name", "Ghost", "--no-create", "--json"], env);
    expect(noCreate.exitCode).toBe(1);
    expect(noCreate.json.error.message).toBe(
      'Managed persona ghost does not exist in Oomi. Remove --no-create or create it first with `oomi personas create-managed ghost --name "<name>" --description "<description>"`.',
    );
    expect((await backendPersona("ghost")).code).toBe("persona_not_found");
  });

  it("heartbeat for an existing persona without .oomi/runtime.json points at launch-managed", async () => {
    await oomi(["personas", "create-managed", "no-runtime", "--name", "No Runtime", "--json"], env);
    const heartbeat = await oomi(["personas", "heartbeat", "no-runtime", "--local-port", "4790", "--json"], env);
    expect(heartbeat.exitCode).toBe(1);
    expect(heartbeat.json.error).toMatchObject({ code: "RUNTIME_STATE_MISSING", message: expect.stringContaining("launch-managed") });
  });
});

describe("oomi CLI: bad input", () => {
  it("rejects invalid slugs (including ../x) and a non-empty --out without --force with exit 2", async () => {
    const traversal = await oomi(["personas", "scaffold", "../x", "--name", "X", "--description", "d", "--json"], env);
    expect(traversal.exitCode).toBe(2);
    expect(traversal.json.error.code).toBe("INVALID_SLUG");
    expect(existsSync(join(root, "..", "x"))).toBe(false);
    const upper = await oomi(["personas", "status", "Bad_Slug", "--json"], env);
    expect(upper.exitCode).toBe(2);
    const out = join(home, "occupied");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "notes.txt"), "keep");
    const occupied = await oomi(["personas", "scaffold", "occupied", "--name", "O", "--description", "d", "--out", out, "--json"], env);
    expect(occupied.exitCode).toBe(2);
    expect(occupied.json.error).toMatchObject({ code: "OUT_NOT_EMPTY", message: expect.stringContaining("--force") });
    const missingDescription = await oomi(["personas", "scaffold", "nodesc", "--name", "N", "--json"], env);
    expect(missingDescription.json.error.message).toContain("Use --description");
  });

  it("reports an unreachable backend and a 401 as exit 1 without printing the token", async () => {
    const down = await oomi(["personas", "create-managed", "down", "--name", "Down", "--json"], {
      ...env,
      OOMI_BACKEND_URL: "http://127.0.0.1:9",
    });
    expect(down.exitCode).toBe(1);
    expect(down.json.error.code).toBe("BACKEND_UNREACHABLE");
    const unauthorized = await oomi(["personas", "create-managed", "nope", "--name", "Nope", "--json"], {
      ...env,
      OOMI_DEVICE_TOKEN: "wrong-secret-token",
    });
    expect(unauthorized.exitCode).toBe(1);
    expect(unauthorized.json.error).toMatchObject({ code: "BACKEND_UNAUTHORIZED", status: 401 });
    expect(unauthorized.stdout + unauthorized.stderr).not.toContain("wrong-secret-token");
  });

  it("reports a malformed runtime.json, a loopback --endpoint and unknown options clearly", async () => {
    const dir = await installLightFixture(root, "broken-state");
    await mkdir(join(dir, ".oomi"), { recursive: true });
    await writeFile(join(dir, ".oomi", "runtime.json"), "{ not json");
    const status = await oomi(["personas", "status", "broken-state", "--json"], env);
    expect(status.exitCode).toBe(1);
    expect(status.json.error).toMatchObject({ code: "RUNTIME_STATE_INVALID", message: expect.stringContaining("launch-managed") });
    const loopback = await oomi(["personas", "runtime-register", "broken-state", "--endpoint", "http://127.0.0.1:4789", "--json"], env);
    expect(loopback.exitCode).toBe(2);
    expect(loopback.json.error.code).toBe("LOOPBACK_ENDPOINT_REFUSED");
    const unknown = await oomi(["personas", "status", "x", "--bogus", "--json"], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.json).toMatchObject({ ok: false, error: { code: "USAGE" } });
  });

  it("launch-managed reports ok:false, with launch and registration apart, when the dev server never becomes healthy", async () => {
    await installLightFixture(root, "never-up", { defaultPort: 45350, neverHealthy: true });
    await oomi(["personas", "create-managed", "never-up", "--name", "Never Up", "--json"], env);
    const launched = await oomi(["personas", "launch-managed", "never-up", "--workspace-root", root, "--json"], {
      ...env,
      OOMI_HEALTH_TIMEOUT_MS: "2000",
    });
    expect(launched.exitCode).toBe(1);
    expect(launched.json).toMatchObject({
      ok: false,
      launch: { ok: false },
      registration: null,
      error: { code: "RUNTIME_UNHEALTHY" },
    });
    const state = JSON.parse(await readFile(join(root, "never-up", ".oomi", "runtime.json"), "utf8"));
    expect(state).toMatchObject({ status: "failed", pid: null });
    expect(await isPortFree(state.localPort)).toBe(true);
    expect((await backendPersona("never-up")).persona.lifecycle).toBe("pending");
  });
});

describe("oomi CLI: help and the persona job executor", () => {
  it("prints help with the creation order and the recovery-only notes", async () => {
    const help = await oomi(["--help"], env);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("create-managed before any runtime registration or heartbeat");
    const personasHelp = await oomi(["personas", "--help"], env);
    expect(personasHelp.stdout.replace(/\s+/g, " ")).toContain("Recovery-only after create-managed");
  });

  it("persona-jobs execute runs a queued job from --message-json and rejects a non-job message", async () => {
    await installLightFixture(root, "job-exec", { defaultPort: 45380 });
    const created = await oomi(["personas", "create-managed", "job-exec", "--name", "Job Exec", "--json"], env);
    const jobId = created.json.personaJob.jobId;
    const message = {
      messageId: "m1",
      metadata: {
        type: "persona_job",
        jobId,
        payload: { jobId, jobType: "create_persona_runtime", persona: { slug: "job-exec", name: "Job Exec" } },
      },
    };
    const executed = await oomi(
      ["persona-jobs", "execute", "--message-json", JSON.stringify(message), "--workspace-root", root, "--json"],
      env,
    );
    expect(executed.exitCode, executed.stderr).toBe(0);
    expect(OomiJobExecutionResultSchema.parse(executed.json)).toMatchObject({ ok: true, jobId, slug: "job-exec" });
    const job = (await (
      await fetch(`${backend.url}/v1/persona_jobs/${jobId}`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } })
    ).json()) as Record<string, any>;
    expect(job.job.status).toBe("succeeded");
    await oomi(["personas", "stop", "job-exec", "--json"], env);
    const notAJob = await oomi(["persona-jobs", "execute", "--message-json", '{"metadata":{"type":"chat"}}', "--json"], env);
    expect(notAJob.exitCode).toBe(2);
    expect(notAJob.json.error.message).toBe("Message is not a persona job payload.");
  });
});

describe("oomi CLI: pairing and the standalone bridge", () => {
  it("pairs (token stored 0600, never printed), then the background bridge consumes the queued job", async () => {
    // A backend of its own: the device, its queue and its jobs start empty.
    const { backend } = await startTestBackend();
    const pairedHome = await mkdtemp(join(tmpdir(), "oomi-paired-"));
    const pairedRoot = join(pairedHome, ".openclaw", "workspace", "personas");
    const pairedEnv = {
      PATH: env.PATH as string,
      HOME: pairedHome,
      OOMI_PERSONA_PUBLIC_HOST: "192.168.50.161",
      OOMI_PERSONA_BIND_HOST: "127.0.0.1",
    };
    const pair = await oomi(["openclaw", "pair", "--no-start", "--app-url", backend.url, "--device-id", "paired-box", "--json"], pairedEnv);
    expect(pair.exitCode, pair.stderr).toBe(0);
    expect(pair.json).toMatchObject({
      ok: true,
      brokerHttp: backend.url,
      bridgeMode: "skipped",
      deviceId: "paired-box",
      inviteUrl: expect.stringContaining("/invite/"),
    });
    const statePath = join(pairedHome, ".openclaw", "oomi-bridge.json");
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    let { deviceToken } = JSON.parse(await readFile(statePath, "utf8")) as { deviceToken: string };
    expect(pair.stdout).not.toContain(deviceToken);
    const status = await oomi(["openclaw", "status", "--json"], pairedEnv);
    expect(status.json).toMatchObject({ ok: true, paired: true, hasDeviceToken: true, bridge: { running: false } });
    expect(status.stdout).not.toContain(deviceToken);

    // Another machine (no saved token) cannot claim the same device id; this one re-pairs with its token.
    const otherHome = await mkdtemp(join(tmpdir(), "oomi-other-"));
    const takeover = await oomi(["openclaw", "pair", "--no-start", "--app-url", backend.url, "--device-id", "paired-box", "--json"], {
      ...pairedEnv,
      HOME: otherHome,
    });
    expect(takeover.exitCode).toBe(1);
    expect(takeover.json).toMatchObject({
      ok: false,
      error: {
        code: "DEVICE_ALREADY_PAIRED",
        message: expect.stringContaining("device paired-box (from --device-id) is already paired"),
      },
    });
    expect(takeover.stderr).toContain("pair under a new id: oomi openclaw pair --device-id <new-id>");
    const repair = await oomi(
      ["openclaw", "pair", "--no-start", "--app-url", backend.url, "--device-id", "paired-box", "--json"],
      pairedEnv,
    );
    expect(repair.exitCode, repair.stderr).toBe(0);
    const rotated = JSON.parse(await readFile(statePath, "utf8")).deviceToken as string;
    expect(rotated).not.toBe(deviceToken);
    const oldTokenReply = await fetch(`${backend.url}/v1/personas`, { headers: { authorization: `Bearer ${deviceToken}` } });
    expect(oldTokenReply.status).toBe(401);
    deviceToken = rotated;

    await installLightFixture(pairedRoot, "bridged", { defaultPort: 45450 });
    const started = await oomi(["openclaw", "bridge", "start", "--poll-interval-ms", "200", "--json"], pairedEnv);
    expect(OomiBridgeStartResultSchema.parse(started.json)).toMatchObject({ ok: true, started: true, running: true });
    // On a failure, the bridge's own log says why; it is the first thing to read.
    const bridgeLog = () => readFile(bridgeLogPath(pairedEnv), "utf8").catch((error) => `no bridge log: ${error.message}`);
    // With nothing queued the detached bridge keeps polling: it is still alive ten poll intervals later.
    const idleUntil = Date.now() + 2_000;
    while (Date.now() < idleUntil) {
      expect(isProcessAlive(started.json.pid), await bridgeLog()).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
    }
    let stopped: Awaited<ReturnType<typeof oomi>>;
    try {
      const created = await oomi(["personas", "create-managed", "bridged", "--name", "Bridged", "--json"], pairedEnv);
      expect(created.json.personaJob.deviceId).toBe("paired-box");
      const deadline = Date.now() + 60_000;
      let job: Record<string, any> = {};
      while (Date.now() < deadline) {
        const response = await fetch(`${backend.url}/v1/persona_jobs/${created.json.personaJob.jobId}`, {
          headers: { authorization: `Bearer ${deviceToken}` },
        });
        job = ((await response.json()) as Record<string, any>).job;
        if (job.status === "succeeded" || job.status === "failed") break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(job.status, await bridgeLog()).toBe("succeeded");
      const bridgeStatus = await oomi(["openclaw", "bridge", "status", "--json"], pairedEnv);
      expect(bridgeStatus.json).toMatchObject({ ok: true, bridge: { running: true, pid: started.json.pid } });
    } finally {
      stopped = await oomi(["openclaw", "bridge", "stop", "--json"], pairedEnv);
      await oomi(["personas", "stop", "bridged", "--json"], pairedEnv);
    }
    await backend.stop();
    expect(OomiBridgeStopResultSchema.parse(stopped.json), await bridgeLog()).toMatchObject({ ok: true, stopped: true });
    expect(isProcessAlive(started.json.pid)).toBe(false);
  });
});
