import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { OomiRuntimeStateSchema, OomiStopResultSchema } from "@clawbridge/contracts";
import { beforeEach, describe, expect, it } from "vitest";
import { scaffoldPersonaWorkspace } from "../scaffold/scaffold.js";
import type { Kill } from "./process-group.js";
import type { ProcessInspector } from "./process-inspector.js";
import { readRuntimeState, runtimeStatePath } from "./state.js";
import { deleteManagedRuntime, stopManagedRuntime } from "./stop.js";

const SAMPLE = JSON.parse(await readFile(join(import.meta.dirname, "../../test/fixtures/runtime-state.sample.json"), "utf8"));

// Pids above the kernel's limit (2^22): no process has them, so even code that ignored the injected
// kill and inspector could signal nothing here.
let home: string;
let root: string;
let signals: Array<[number, NodeJS.Signals | 0]>;
/** Records every signal; a signalled "process" dies at once. */
let kill: Kill;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "oomi-stop-"));
  root = join(home, "personas");
  await mkdir(root);
  signals = [];
  const dead = new Set<number>();
  kill = (pid, signal) => {
    signals.push([pid, signal]);
    if (dead.has(Math.abs(pid))) throw Object.assign(new Error("ESRCH"), { code: "ESRCH" });
    if (signal !== 0) dead.add(Math.abs(pid));
  };
});

/** A scaffolded workspace whose runtime.json names `pid` (with the given start token, if any). */
async function workspaceRunning(slug: string, pid: number, processStartToken?: string, under = root): Promise<string> {
  const dir = join(under, slug);
  await scaffoldPersonaWorkspace({ slug, name: slug, description: "d", outDir: dir, force: false, homes: [home] });
  await mkdir(join(dir, ".oomi"));
  const state = { ...SAMPLE, slug, workspacePath: dir, pid, status: "running", ...(processStartToken ? { processStartToken } : {}) };
  await writeFile(runtimeStatePath(dir), JSON.stringify(state));
  return dir;
}

function inspectorOf(pid: number, facts: { token?: string; cwd?: string; commandLine?: string }): ProcessInspector {
  return {
    isAlive: (p) => p === pid,
    startToken: (p) => (p === pid ? (facts.token ?? null) : null),
    processGroup: (p) => (p === pid ? pid : null),
    commandLine: (p) => (p === pid ? (facts.commandLine ?? null) : null),
    workingDirectory: (p) => (p === pid ? (facts.cwd ?? null) : null),
  };
}

describe("stop and delete", () => {
  it("item 5: stop signals the recorded group only while the start token matches", async () => {
    const dir = await workspaceRunning("ours", 5000042, "linux:b:100");
    const outcome = await stopManagedRuntime("ours", root, {
      homes: [home],
      kill,
      inspector: inspectorOf(5000042, { token: "linux:b:100" }),
    });
    expect(OomiStopResultSchema.parse({ ok: true, ...outcome, stopped: outcome.wasRunning })).toMatchObject({
      wasRunning: true,
      signal: "SIGTERM",
      notSignalled: null,
    });
    expect(signals).toContainEqual([-5000042, "SIGTERM"]);
    const state = await readRuntimeState(dir);
    expect(state).toMatchObject({ status: "stopped", pid: null });
    expect(state).not.toHaveProperty("processStartToken");
  });

  it("item 5: stop leaves a reused pid alone, records the runtime stopped, and says why", async () => {
    const dir = await workspaceRunning("reused", 5000042, "linux:b:100");
    const outcome = await stopManagedRuntime("reused", root, {
      homes: [home],
      kill,
      inspector: inspectorOf(5000042, { token: "linux:b:777" }),
    });
    expect(OomiStopResultSchema.parse({ ok: true, ...outcome, stopped: outcome.wasRunning })).toMatchObject({
      wasRunning: false,
      signal: null,
      notSignalled: { pid: 5000042, reason: expect.stringContaining("reused") },
    });
    expect(signals).toEqual([]);
    expect(await readRuntimeState(dir)).toMatchObject({ status: "stopped", pid: null });
  });

  it("item 5: a runtime.json without a token: a process elsewhere is left alone; one this system cannot place is refused and the file kept", async () => {
    const dir = await workspaceRunning("legacy", 5000042);
    const elsewhere = await stopManagedRuntime("legacy", root, {
      homes: [home],
      kill,
      inspector: inspectorOf(5000042, { cwd: "/somewhere/else", commandLine: "npm run dev --port 4789" }),
    });
    expect(elsewhere.notSignalled).toMatchObject({ pid: 5000042, reason: expect.stringContaining("does not run in this workspace") });
    expect(signals).toEqual([]);

    await workspaceRunning("legacy-hidden", 5000043);
    const before = await readFile(runtimeStatePath(join(root, "legacy-hidden")), "utf8");
    await expect(
      stopManagedRuntime("legacy-hidden", root, {
        homes: [home],
        kill,
        inspector: inspectorOf(5000043, { commandLine: "npm run dev --port 4789" }),
      }),
    ).rejects.toMatchObject({ code: "PROCESS_UNVERIFIED", exitCode: 1, message: expect.stringContaining("kill 5000043") });
    expect(signals).toEqual([]);
    expect(await readFile(runtimeStatePath(join(root, "legacy-hidden")), "utf8")).toBe(before);

    const legacyOurs = await workspaceRunning("legacy-ours", 5000044);
    const ours = await stopManagedRuntime("legacy-ours", root, {
      homes: [home],
      kill,
      inspector: inspectorOf(5000044, {
        cwd: realpathSync(legacyOurs),
        commandLine: "npm run dev --host 0.0.0.0 --port 4789 --strictPort",
      }),
    });
    expect(ours).toMatchObject({ wasRunning: true, signal: "SIGTERM" });
    expect(existsSync(dir)).toBe(true);
  });

  it("item 5: delete does not signal a reused pid, and removes the workspace", async () => {
    const dir = await workspaceRunning("gone-server", 5000042, "linux:b:100");
    const outcome = await deleteManagedRuntime("gone-server", root, {
      homes: [home],
      kill,
      inspector: inspectorOf(5000042, { token: "linux:b:5" }),
    });
    expect(outcome).toMatchObject({ removed: true, signal: null, notSignalled: { pid: 5000042 } });
    expect(signals).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it("item 4: delete refuses a folder under the root that is not this persona's workspace, and keeps it", async () => {
    const victim = join(root, "victim");
    await mkdir(victim);
    await writeFile(join(victim, "file.txt"), "keep");
    await expect(deleteManagedRuntime("victim", root, { homes: [home], kill })).rejects.toMatchObject({
      code: "NOT_A_PERSONA_WORKSPACE",
      exitCode: 2,
    });
    expect(await readFile(join(victim, "file.txt"), "utf8")).toBe("keep");

    await workspaceRunning("someone-else", 5000042, "linux:b:1");
    await rm(join(root, "someone-else", "oomi.runtime.json"));
    await expect(deleteManagedRuntime("someone-else", root, { homes: [home], kill })).rejects.toMatchObject({
      code: "NOT_A_PERSONA_WORKSPACE",
      message: expect.stringContaining("no oomi.runtime.json"),
    });
    expect(existsSync(join(root, "someone-else", "persona.json"))).toBe(true);
  });

  it("item 4: stop and delete refuse a root of /, $HOME or an ancestor of $HOME before looking inside", async () => {
    const personaInHome = join(home, "tokyo-guide");
    await scaffoldPersonaWorkspace({ slug: "tokyo-guide", name: "T", description: "d", outDir: personaInHome, force: false, homes: [] });
    for (const badRoot of [home, dirname(home), "/"]) {
      for (const run of [deleteManagedRuntime, stopManagedRuntime]) {
        await expect(run("tokyo-guide", badRoot, { homes: [home], kill }), badRoot).rejects.toMatchObject({
          code: "WORKSPACE_ROOT_REFUSED",
          exitCode: 2,
        });
      }
    }
    expect(existsSync(join(personaInHome, "persona.json"))).toBe(true);
  });

  it("item 4: stop and delete refuse a symlinked workspace; the runtime.json it points at is not rewritten", async () => {
    const elsewhere = join(await mkdtemp(join(tmpdir(), "oomi-elsewhere-")), "personas");
    await mkdir(elsewhere);
    const target = await workspaceRunning("linked", 5000042, "linux:b:1", elsewhere);
    await symlink(target, join(root, "linked"));
    const before = await readFile(runtimeStatePath(target), "utf8");
    for (const run of [stopManagedRuntime, deleteManagedRuntime]) {
      await expect(
        run("linked", root, { homes: [home], kill, inspector: inspectorOf(5000042, { token: "linux:b:1" }) }),
      ).rejects.toMatchObject({
        code: "WORKSPACE_SYMLINK",
        exitCode: 2,
      });
    }
    expect(signals).toEqual([]);
    expect(await readFile(runtimeStatePath(target), "utf8")).toBe(before);
    expect(await readdir(target)).toContain("persona.json");
  });

  it("item 4: stop refuses a .oomi symlinked out of the workspace, before reading the pid it names", async () => {
    const dir = await workspaceRunning("dot-oomi", 5000042, "linux:b:1");
    const outside = await mkdtemp(join(tmpdir(), "oomi-outside-"));
    await writeFile(join(outside, "runtime.json"), await readFile(runtimeStatePath(dir), "utf8"));
    await rm(join(dir, ".oomi"), { recursive: true });
    await symlink(outside, join(dir, ".oomi"));
    const before = await readFile(join(outside, "runtime.json"), "utf8");
    await expect(
      stopManagedRuntime("dot-oomi", root, { homes: [home], kill, inspector: inspectorOf(5000042, { token: "linux:b:1" }) }),
    ).rejects.toMatchObject({ code: "PATH_ESCAPES_WORKSPACE", exitCode: 2 });
    expect(signals).toEqual([]);
    expect(await readFile(join(outside, "runtime.json"), "utf8")).toBe(before);
    expect(OomiRuntimeStateSchema.parse(JSON.parse(before)).status).toBe("running");
  });
});
