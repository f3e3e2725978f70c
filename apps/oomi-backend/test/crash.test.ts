import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

/** The built server, as `oomi-backend` runs it (`pnpm build` first). */
const MAIN = resolve(import.meta.dirname, "../dist/main.js");
const DEVICE = { deviceId: "crash-device", deviceToken: "crash-token-0123456789abcdef" };

interface BackendProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<void>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Starts `node dist/main.js` on a free port and resolves once it printed its address. */
function startProcess(dataFile: string): Promise<BackendProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [MAIN, "--port", "0", "--data", dataFile, "--device-id", DEVICE.deviceId, "--device-token", DEVICE.deviceToken],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let out = "";
    let err = "";
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolvePromise({ url, child, stderr: () => err, exited });
    });
    child.once("exit", (code) => reject(new Error(`oomi-backend exited with ${code} before it was ready: ${err}`)));
  });
}

const tempFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith(".tmp"));

describe("oomi-backend under kill -9", () => {
  it("item 11: after kill -9 during writes, a restart removes the temp files and every acknowledged persona is there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oomi-backend-crash-"));
    const dataFile = join(dir, "store.json");
    const first = await startProcess(dataFile);
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const name = `Crash Test ${next++}`;
        try {
          const response = await fetch(`${first.url}/v1/personas/managed_create`, {
            method: "POST",
            headers: { authorization: `Bearer ${DEVICE.deviceToken}`, "content-type": "application/json" },
            body: JSON.stringify({ name, description: "written before the crash" }),
          });
          const body = (await response.json()) as { persona: { slug: string } };
          if (response.status === 201) acknowledged.push(body.persona.slug);
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    // Kill while the 8 writers are busy, once enough writes are acknowledged (bounded poll).
    for (let i = 0; i < 3000 && acknowledged.length < 80; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(acknowledged.length).toBeGreaterThanOrEqual(80);
    first.child.kill("SIGKILL");
    killed = true;
    await first.exited;
    await Promise.all(workers);
    const leftBehind = await tempFiles(dir);

    const second = await startProcess(dataFile);
    expect(await tempFiles(dir)).toEqual([]);
    if (leftBehind.length > 0) {
      // stderr and stdout are separate pipes: the removal line may arrive just after the address (bounded poll).
      const line = `removed ${leftBehind.length} temp file(s)`;
      for (let i = 0; i < 200 && !second.stderr().includes(line); i += 1) await new Promise((r) => setTimeout(r, 10));
      expect(second.stderr()).toContain(line);
    }
    const listed = await fetch(`${second.url}/v1/personas`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } });
    const slugs = new Set(((await listed.json()) as { personas: Array<{ slug: string }> }).personas.map((p) => p.slug));
    expect(acknowledged.filter((slug) => !slugs.has(slug))).toEqual([]);
    second.child.kill("SIGTERM");
    await second.exited;
    await rm(dir, { recursive: true, force: true });
  });
});
