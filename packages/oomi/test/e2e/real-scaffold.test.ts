import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE, startTestBackend, testEnv } from "../support.js";
import { expectStopThenDelete, oomi } from "./cli-run.js";

let backend: RunningOomiBackend;
let home: string;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ backend, home, root } = await startTestBackend());
  env = { ...testEnv(home, backend.url), npm_config_cache: join(home, ".npm-cache") };
  if (process.env.npm_config_registry) env.npm_config_registry = process.env.npm_config_registry;
});
afterAll(() => backend.stop());

// The one test with the real template: real `npm install` from the registry and the real Vite dev server.
describe("oomi CLI: the seed's seven steps with the real scaffold, npm install and Vite", () => {
  it("brings the scaffolded WebSpatial app online and serves its health JSON under /webspatial/avp", { timeout: 300_000 }, async () => {
    const slug = "tokyo-guide";
    const workspace = join(root, slug);
    const name = "Tokyo Guide";
    const description = "Personal travel assistant for Tokyo trip planning - itineraries, food, culture, and summer tips for July";

    const scaffold = await oomi(
      ["personas", "scaffold", slug, "--name", name, "--description", description, "--out", workspace, "--force", "--json"],
      env,
    );
    expect(scaffold.json).toMatchObject({ ok: true });
    for (const file of ["persona.json", "oomi.runtime.json", "package.json"]) expect(existsSync(join(workspace, file)), file).toBe(true);

    const created = await oomi(["personas", "create-managed", slug, "--name", name, "--description", description, "--json"], env);
    expect(created.json).toMatchObject({ ok: true });

    const launched = await oomi(["personas", "launch-managed", slug, "--workspace-root", root, "--force-install", "--json"], env);
    expect(launched.exitCode, `${launched.stderr}\n${launched.stdout}`).toBe(0);
    expect(launched.json).toMatchObject({ ok: true, launch: { ok: true, installed: true }, registration: { ok: true } });
    expect(existsSync(join(workspace, "node_modules", "vite", "bin", "vite.js"))).toBe(true);

    const runtime = JSON.parse(await readFile(join(workspace, ".oomi", "runtime.json"), "utf8"));
    expect(runtime.healthcheckUrl).toBe(`http://127.0.0.1:${runtime.localPort}/webspatial/avp/oomi.health.json`);
    expect(runtime.devCommand.args[0]).toContain(join("node_modules", "vite", "bin", "vite.js"));
    expect(await (await fetch(runtime.healthcheckUrl)).json()).toEqual({
      ok: true,
      status: "healthy",
      appKind: "oomi-persona-app",
      templateVersion: "v1",
    });
    const page = await (await fetch(`http://127.0.0.1:${runtime.localPort}/webspatial/avp/`)).text();
    expect(page).toContain("/src/main.tsx");

    const status = await oomi(["personas", "status", slug, "--json"], env);
    expect(status.json).toMatchObject({ ok: true, processAlive: true, healthy: true });

    const heartbeat = await oomi(["personas", "heartbeat", slug, "--local-port", String(runtime.localPort), "--json"], env);
    expect(heartbeat.json).toMatchObject({ ok: true });
    const persona = (await (
      await fetch(`${backend.url}/v1/personas/${slug}`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } })
    ).json()) as Record<string, any>;
    expect(persona.persona).toMatchObject({ lifecycle: "running", runtime: { endpoint: `http://192.168.50.161:${runtime.localPort}` } });

    await expectStopThenDelete(slug, runtime, workspace, env);
  });
});
