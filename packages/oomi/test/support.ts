import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningOomiBackend, startOomiBackend } from "@clawbridge/oomi-backend";

export const FIXTURE_DIR = resolve(import.meta.dirname, "fixtures/light-persona");
export const DEVICE = { deviceId: "test-device", deviceToken: "test-device-token-0123456789" };

/** A throwaway HOME with a local backend that knows one device. */
export async function startTestBackend(): Promise<{ backend: RunningOomiBackend; home: string; root: string }> {
  const home = await mkdtemp(join(tmpdir(), "oomi-test-"));
  const backend = await startOomiBackend({ dataFile: join(home, "backend.json"), devices: [DEVICE] });
  const root = join(home, ".openclaw", "workspace", "personas");
  await mkdir(root, { recursive: true });
  return { backend, home, root };
}

/**
 * Copies the light fixture (a tiny node http server as its dev command) into `<root>/<slug>`, with
 * an empty node_modules so no install runs. `defaultPort` spreads tests over distinct port ranges.
 */
export async function installLightFixture(
  root: string,
  slug: string,
  options: { defaultPort?: number; neverHealthy?: boolean } = {},
): Promise<string> {
  const dir = join(root, slug);
  await cp(FIXTURE_DIR, dir, { recursive: true });
  await mkdir(join(dir, "node_modules"), { recursive: true });
  // The manifest the scaffold writes: delete acts only on a folder that holds it (and oomi.runtime.json).
  const manifest = {
    id: slug,
    name: slug,
    summary: "light test persona",
    status: "inactive",
    type: "persona",
    templateType: "persona-app",
    promptTemplateVersion: "v1",
    capabilities: [],
    dataSources: [],
    tags: ["managed"],
  };
  await writeFile(join(dir, "persona.json"), JSON.stringify(manifest));
  const configPath = join(dir, "oomi.runtime.json");
  const config = JSON.parse(await readFile(configPath, "utf8"));
  if (options.defaultPort) config.defaultPort = options.defaultPort;
  await writeFile(configPath, JSON.stringify(config));
  if (options.neverHealthy) {
    const pkgPath = join(dir, "package.json");
    const pkg = JSON.parse(await readFile(pkgPath, "utf8"));
    pkg.scripts.dev = "FIXTURE_NEVER_HEALTHY=1 node server.mjs";
    await writeFile(pkgPath, JSON.stringify(pkg));
  }
  return dir;
}

export function testEnv(home: string, backendUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    OOMI_BACKEND_URL: backendUrl,
    OOMI_DEVICE_ID: DEVICE.deviceId,
    OOMI_DEVICE_TOKEN: DEVICE.deviceToken,
    OOMI_PERSONA_PUBLIC_HOST: "192.168.50.161",
    // Tests stay on loopback; the LAN endpoint still comes from OOMI_PERSONA_PUBLIC_HOST.
    OOMI_PERSONA_BIND_HOST: "127.0.0.1",
  };
}
