import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { OomiStopResultSchema } from "@clawbridge/contracts";
import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPortFree } from "../../src/runtime/port.js";
import { isProcessAlive } from "../../src/runtime/process-group.js";
import { installLightFixture, startTestBackend, testEnv } from "../support.js";
import { oomi } from "./cli-run.js";

let backend: RunningOomiBackend;
let home: string;
let root: string;
let env: Record<string, string>;
let bystander: ChildProcess | undefined;

beforeAll(async () => {
  ({ backend, home, root } = await startTestBackend());
  env = testEnv(home, backend.url);
});
afterAll(async () => {
  bystander?.kill("SIGKILL");
  await backend.stop();
});

describe("oomi CLI: stop, delete and launch --restart signal only the dev server they started (item 5)", () => {
  it("item 5: a runtime.json naming an unrelated live process (a sleep) is not signalled by stop, launch-managed --restart or delete, and each says why; the launched dev server is stopped", async () => {
    const slug = "pid-safety";
    const workspace = await installLightFixture(root, slug, { defaultPort: 45500 });
    const statePath = join(workspace, ".oomi", "runtime.json");
    expect((await oomi(["personas", "create-managed", slug, "--name", "Pid Safety", "--json"], env)).exitCode).toBe(0);
    const launched = await oomi(["personas", "launch-managed", slug, "--workspace-root", root, "--json"], env);
    expect(launched.json, launched.stderr).toMatchObject({ ok: true, launch: { ok: true } });
    const serverText = await readFile(statePath, "utf8");
    const server = JSON.parse(serverText);
    expect(server.processStartToken).toEqual(expect.any(String));

    // What a recycled pid looks like: a live process of ours in its own group, even working in the workspace.
    bystander = spawn("sleep", ["300"], { detached: true, stdio: "ignore", cwd: workspace });
    await once(bystander, "spawn");
    const sleepPid = bystander.pid as number;
    const naming = (fields: Record<string, unknown>) => writeFile(statePath, JSON.stringify({ ...server, pid: sleepPid, ...fields }));
    const stop = async () => {
      const run = await oomi(["personas", "stop", slug, "--json"], env);
      expect(run.exitCode, run.stdout).toBe(0);
      return OomiStopResultSchema.parse(run.json);
    };

    await naming({});
    expect(await stop()).toMatchObject({
      wasRunning: false,
      signal: null,
      notSignalled: { pid: sleepPid, reason: expect.stringContaining("reused") },
    });
    expect(isProcessAlive(sleepPid)).toBe(true);

    const { processStartToken: _none, ...legacy } = server;
    await writeFile(statePath, JSON.stringify({ ...legacy, pid: sleepPid }));
    const human = await oomi(["personas", "stop", slug], env);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`pid ${sleepPid} runs in this workspace but is not its dev server on port ${server.localPort}`);
    expect(isProcessAlive(sleepPid)).toBe(true);

    // The dev server launch-managed started is verified and stopped.
    await writeFile(statePath, serverText);
    expect(await stop()).toMatchObject({ wasRunning: true, signal: expect.stringMatching(/SIGTERM|SIGKILL/), notSignalled: null });
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(await isPortFree(server.localPort)).toBe(true);

    await naming({ status: "running" });
    const restarted = await oomi(["personas", "launch-managed", slug, "--workspace-root", root, "--restart", "--json"], env);
    expect(restarted.json, restarted.stderr).toMatchObject({ ok: true, launch: { ok: true, reusedRunningProcess: false } });
    expect(isProcessAlive(sleepPid)).toBe(true);
    const second = JSON.parse(await readFile(statePath, "utf8"));
    expect(second.pid).not.toBe(sleepPid);
    expect(await stop()).toMatchObject({ wasRunning: true });
    expect(isProcessAlive(second.pid)).toBe(false);

    await naming({ status: "running" });
    const deleted = await oomi(["personas", "delete", slug, "--json"], env);
    expect(OomiStopResultSchema.parse(deleted.json)).toMatchObject({ removed: true, signal: null, notSignalled: { pid: sleepPid } });
    expect(existsSync(workspace)).toBe(false);
    expect(isProcessAlive(sleepPid)).toBe(true);
  });
});

describe("oomi CLI: delete and scaffold --force touch only persona workspaces under a safe root (item 4)", () => {
  it("item 4: delete refuses a folder that is not a persona workspace, and a root of /, $HOME or its ancestor (exit 2, JSON envelope)", async () => {
    const victim = join(root, "victim");
    await mkdir(victim);
    await writeFile(join(victim, "file.txt"), "keep");
    const notOurs = await oomi(["personas", "delete", "victim", "--json"], env);
    expect(notOurs.exitCode).toBe(2);
    expect(notOurs.json).toMatchObject({
      ok: false,
      error: { code: "NOT_A_PERSONA_WORKSPACE", message: expect.stringContaining("persona.json") },
    });
    expect(await readFile(join(victim, "file.txt"), "utf8")).toBe("keep");

    await mkdir(join(home, "keepme"));
    await writeFile(join(home, "keepme", "file.txt"), "keep");
    for (const badRoot of [home, dirname(home), "/"]) {
      for (const command of ["delete", "stop"]) {
        const run = await oomi(["personas", command, "keepme", "--workspace-root", badRoot, "--json"], env);
        expect(run.exitCode, `${command} ${badRoot}`).toBe(2);
        expect(run.json.error.code).toBe("WORKSPACE_ROOT_REFUSED");
      }
    }
    const human = await oomi(["personas", "delete", "keepme", "--workspace-root", home], env);
    expect(human.exitCode).toBe(2);
    expect(human.stderr).toContain("is your home directory");
    expect(await readFile(join(home, "keepme", "file.txt"), "utf8")).toBe("keep");
  });

  it("item 4: scaffold --force does not write through a symlinked src/, and stop does not rewrite runtime.json through a symlinked workspace", async () => {
    const out = join(root, "linked-src");
    const args = ["personas", "scaffold", "linked-src", "--name", "L", "--description", "d", "--out", out, "--force", "--json"];
    expect((await oomi(args, env)).exitCode).toBe(0);
    const outside = await mkdtemp(join(tmpdir(), "oomi-outside-"));
    await rm(join(out, "src"), { recursive: true });
    await symlink(outside, join(out, "src"));
    const scaffold = await oomi(args, env);
    expect(scaffold.exitCode).toBe(2);
    expect(scaffold.json.error).toMatchObject({ code: "PATH_ESCAPES_WORKSPACE", message: expect.stringContaining(join(out, "src")) });
    expect(await readdir(outside)).toEqual([]);

    const elsewhere = await mkdtemp(join(tmpdir(), "oomi-elsewhere-"));
    const target = await installLightFixture(elsewhere, "linked-ws");
    await mkdir(join(target, ".oomi"));
    // No pid: the point is the file, and code without the check must not signal the sample's pid.
    const sample = JSON.parse(await readFile(join(import.meta.dirname, "../fixtures/runtime-state.sample.json"), "utf8"));
    const state = JSON.stringify({ ...sample, workspacePath: target, pid: null, status: "stopped" });
    await writeFile(join(target, ".oomi", "runtime.json"), state);
    await symlink(target, join(root, "linked-ws"));
    for (const command of ["stop", "delete"]) {
      const run = await oomi(["personas", command, "linked-ws", "--json"], env);
      expect(run.exitCode, command).toBe(2);
      expect(run.json.error.code).toBe("WORKSPACE_SYMLINK");
    }
    expect(await readFile(join(target, ".oomi", "runtime.json"), "utf8")).toBe(state);
  });
});
