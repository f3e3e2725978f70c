import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OomiRuntimeStateSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installLightFixture, startTestBackend } from "../../test/support.js";
import { runStatus } from "../commands/status.js";
import { launchManagedRuntime } from "./launch.js";
import { isPortFree } from "./port.js";
import { isProcessAlive } from "./process-group.js";
import { systemProcessInspector } from "./process-inspector.js";
import { readRuntimeState, runtimeStatePath } from "./state.js";
import { deleteManagedRuntime, stopManagedRuntime } from "./stop.js";

let root: string;
let home: string;
let stopBackend: () => Promise<void>;
const env = () => ({
  PATH: process.env.PATH ?? "",
  HOME: home,
  OOMI_PERSONA_PUBLIC_HOST: "192.168.50.161",
  OOMI_PERSONA_BIND_HOST: "127.0.0.1",
});

beforeAll(async () => {
  const started = await startTestBackend();
  root = started.root;
  home = started.home;
  stopBackend = started.backend.stop;
});
afterAll(() => stopBackend());

describe("launchManagedRuntime with the light fixture", () => {
  it("starts the dev server detached, serves health on loopback, reuses it, and stop frees the port", async () => {
    await installLightFixture(root, "light-one", { defaultPort: 45100 });
    const first = await launchManagedRuntime({
      slug: "light-one",
      name: "Light",
      description: "d",
      workspaceRoot: root,
      env: env(),
      healthTimeoutMs: 15_000,
    });
    expect(first.reusedRunningProcess).toBe(false);
    expect(first.installed).toBe(false);
    const state = OomiRuntimeStateSchema.parse(JSON.parse(await readFile(runtimeStatePath(first.workspacePath), "utf8")));
    expect(state).toMatchObject({ status: "running", transport: "local", bindHost: "127.0.0.1", reachableHost: "192.168.50.161" });
    expect(state.localPort).toBeGreaterThanOrEqual(45100);
    expect(state.entryUrl).toBe(`http://192.168.50.161:${state.localPort}`);
    expect(state.healthcheckUrl).toBe(`http://127.0.0.1:${state.localPort}/oomi.health.json`);
    // item 5: the start token stop compares before it signals.
    expect(state.processStartToken).toBe(systemProcessInspector().startToken(state.pid as number));
    const health = await (await fetch(state.healthcheckUrl)).json();
    expect(health).toMatchObject({ ok: true, status: "healthy" });

    const again = await launchManagedRuntime({ slug: "light-one", name: "Light", description: "d", workspaceRoot: root, env: env() });
    expect(again.reusedRunningProcess).toBe(true);
    expect(again.state.pid).toBe(state.pid);

    const status = await runStatus("light-one", { workspaceRoot: root }, { env: env(), cwd: root, progress: () => {} });
    expect(status).toMatchObject({ ok: true, processAlive: true, healthy: true });

    const stopped = await stopManagedRuntime("light-one", root);
    expect(stopped).toMatchObject({ wasRunning: true, signal: expect.stringMatching(/SIGTERM|SIGKILL/) });
    expect(isProcessAlive(state.pid)).toBe(false);
    expect(await isPortFree(state.localPort)).toBe(true);
    expect((await readRuntimeState(first.workspacePath))?.status).toBe("stopped");

    const deleted = await deleteManagedRuntime("light-one", root);
    expect(deleted.removed).toBe(true);
    await expect(readFile(join(first.workspacePath, "package.json"))).rejects.toThrow();
  });

  it("fails with RUNTIME_UNHEALTHY when the server never becomes healthy, and kills its process group", async () => {
    const dir = await installLightFixture(root, "never-healthy", { defaultPort: 45150, neverHealthy: true });
    const error = await launchManagedRuntime({
      slug: "never-healthy",
      name: "N",
      description: "d",
      workspaceRoot: root,
      env: env(),
      healthTimeoutMs: 2_000,
    }).catch((e) => e);
    expect(error).toMatchObject({ code: "RUNTIME_UNHEALTHY" });
    const log = await readFile(join(dir, ".oomi", "runtime.log"), "utf8");
    const pid = Number(/fixture pid (\d+) listening on [^:]+:(\d+)/.exec(log)?.[1]);
    const port = Number(/listening on [^:]+:(\d+)/.exec(log)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
    expect(await readRuntimeState(dir)).toMatchObject({ status: "failed", pid: null });
  });

  it("reports a malformed runtime.json as RUNTIME_STATE_INVALID instead of crashing", async () => {
    const dir = await installLightFixture(root, "malformed", { defaultPort: 45180 });
    await mkdir(join(dir, ".oomi"), { recursive: true });
    await writeFile(runtimeStatePath(dir), "{ not json");
    await expect(readRuntimeState(dir)).rejects.toMatchObject({ code: "RUNTIME_STATE_INVALID" });
    await writeFile(runtimeStatePath(dir), JSON.stringify({ slug: "malformed", localPort: "x" }));
    await expect(runStatus("malformed", { workspaceRoot: root }, { env: env(), cwd: root, progress: () => {} })).rejects.toMatchObject({
      code: "RUNTIME_STATE_INVALID",
      message: expect.stringContaining("localPort"),
    });
  });
});
