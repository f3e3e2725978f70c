import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OomiLaunchResultSchema, OomiPairResultSchema } from "@clawbridge/contracts";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopManagedRuntime } from "../../src/runtime/stop.js";
import { installLightFixture } from "../support.js";
import { CLI } from "./cli-run.js";

// A newcomer's first managed persona against what `pnpm start --local` runs: the host (whose oomi
// bridge consumes the persona job), the local Oomi backend, and the commands its banner prints.
const hostMain = resolve(import.meta.dirname, "../../../../apps/host/dist/main.js");
const BANNER_END = "Ctrl-C stops everything.";
let host: ChildProcess | undefined;
let exportLine = "";
let home = "";

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "oomi-newcomer-"));
  const stateDir = join(home, "state");
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    // Loopback only, as on a laptop that serves no LAN: the persona must be registered where it listens.
    OOMI_PERSONA_BIND_HOST: "127.0.0.1",
    OOMI_BACKEND_PORT: "0",
    CLAWBRIDGE_KICHI_WORLD_PORT: "0",
    CLAWBRIDGE_DEMO_MODEL_PORT: "0",
    OPENMEOW_WEB_PORT: "0",
  };
  host = spawn(process.execPath, [hostMain, "--local", "--port", "0", "--state-dir", stateDir], { stdio: ["ignore", "pipe", "pipe"], env });
  const banner = await new Promise<string>((done, fail) => {
    let out = "";
    let err = "";
    host?.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(BANNER_END)) done(out);
    });
    host?.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    host?.once("exit", (code) => fail(new Error(`host exited with ${code}: ${err}`)));
  });
  exportLine =
    banner
      .split("\n")
      .find((line) => line.trim().startsWith("export OOMI_BACKEND_URL="))
      ?.trim() ?? "";
});

afterAll(() => {
  host?.kill("SIGTERM");
});

/** Runs `oomi <args>` in bash after the banner's export line, as a newcomer pastes it. */
async function pasted(args: string) {
  const run = await execa("bash", ["-c", `${exportLine}\nexec node ${JSON.stringify(CLI)} ${args}`], {
    env: { PATH: process.env.PATH ?? "", HOME: home, OOMI_PERSONA_BIND_HOST: "127.0.0.1" },
    extendEnv: false,
    reject: false,
    timeout: 180_000,
  });
  return { exitCode: run.exitCode, stderr: run.stderr, json: JSON.parse(run.stdout) as Record<string, any> };
}

const exported = (name: string) => new RegExp(`${name}=(\\S+)`).exec(exportLine)?.[1] ?? "";

describe("the managed flow first time, against pnpm start --local", () => {
  it("pair finds the backend from the banner's exports; create-managed and launch-managed race the host's bridge safely; the persona registers on loopback", async () => {
    expect(exportLine).toContain("OOMI_APP_URL=");
    const backendUrl = exported("OOMI_BACKEND_URL");
    const personasDir = exported("OPENCLAW_PERSONAS_DIR");

    // The banner's OOMI_DEVICE_ID is the host bridge's own device: pairing it again is refused, in words that say what to do.
    const taken = await pasted("openclaw pair --no-start --json");
    expect(taken.exitCode).toBe(1);
    expect(taken.json).toMatchObject({ ok: false, error: { code: "DEVICE_ALREADY_PAIRED" } });
    expect(taken.stderr).toContain("(from OOMI_DEVICE_ID in your environment) is already paired");
    expect(taken.stderr).toContain("oomi openclaw pair --device-id <new-id>");
    const pair = await pasted("openclaw pair --no-start --device-id newcomer-box --label newcomer --json");
    expect(pair.exitCode, pair.stderr).toBe(0);
    expect(OomiPairResultSchema.parse(pair.json)).toMatchObject({ brokerHttpUrl: backendUrl, bridgeMode: "skipped" });
    expect(pair.stderr).toContain(`pairing with the Oomi app at ${backendUrl}`);
    expect((await fetch(pair.json.inviteUrl)).status).toBe(200);

    const slug = "hello-oomi";
    await installLightFixture(personasDir, slug, { defaultPort: 45650 });
    const created = await pasted(`personas create-managed ${slug} --name "Hello Oomi" --description "A first managed persona" --json`);
    expect(created.exitCode, created.stderr).toBe(0);
    const jobId = created.json.personaJob.jobId as string;

    // The host's bridge takes the queued job and launches the same persona; the launch lock keeps the two apart.
    const launched = await pasted(`personas launch-managed ${slug} --force-install --json`);
    expect(launched.exitCode, launched.stderr).toBe(0);
    const launch = OomiLaunchResultSchema.parse(launched.json);
    expect(launched.stderr).toMatch(/npm install in|waiting for another launch/);
    expect(launch.runtime?.endpoint).toBe(`http://127.0.0.1:${launch.localRuntime?.localPort}`);
    try {
      const status = await pasted(`personas status ${slug} --json`);
      expect(status.json).toMatchObject({ ok: true, processRunning: true, healthy: true });
      const beat = await pasted(`personas heartbeat ${slug} --json`);
      expect(beat.exitCode, beat.stderr).toBe(0);

      const deadline = Date.now() + 120_000;
      let job: Record<string, any> = {};
      const tokenValue = (await execa("bash", ["-c", `${exportLine}\nprintf %s "$OOMI_DEVICE_TOKEN"`])).stdout;
      while (Date.now() < deadline) {
        const reply = await fetch(`${backendUrl}/v1/persona_jobs/${jobId}`, { headers: { authorization: `Bearer ${tokenValue}` } });
        job = ((await reply.json()) as { job: Record<string, any> }).job;
        if (job.status === "succeeded" || job.status === "failed") break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(job, JSON.stringify(job)).toMatchObject({ status: "succeeded", result: { endpoint: launch.runtime?.endpoint } });
      const page = await (await fetch(`${backendUrl}/`)).text();
      expect(page).toContain(jobId);
    } finally {
      await stopManagedRuntime(slug, personasDir);
    }
  });
});
