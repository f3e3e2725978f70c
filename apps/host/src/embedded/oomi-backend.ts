import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { type RunningOomiBackend, startOomiBackend } from "@clawbridge/oomi-backend";
import { writeJsonAtomic } from "@clawbridge/plugin-host";

export interface EmbeddedOomi {
  backend: RunningOomiBackend;
  deviceId: string;
  deviceToken: string;
}

/** The device saved by an earlier start; a missing or unreadable file means a new device. */
async function readSavedDevice(path: string): Promise<{ deviceId?: string; deviceToken?: string }> {
  try {
    const saved: unknown = JSON.parse(await readFile(path, "utf8"));
    return saved && typeof saved === "object" ? (saved as { deviceId?: string; deviceToken?: string }) : {};
  } catch {
    return {};
  }
}

/**
 * The local Oomi backend the host starts by default (loopback, durable under the state dir), with
 * one device whose token is kept 0600 so the `oomi` CLI and the bridge plugin survive restarts.
 * OOMI_BACKEND_PORT pins its port (default: a free one).
 */
export async function startEmbeddedOomiBackend(stateDir: string, env: NodeJS.ProcessEnv = process.env): Promise<EmbeddedOomi> {
  const devicePath = join(stateDir, "oomi-device.json");
  const saved = await readSavedDevice(devicePath);
  const deviceId = saved.deviceId || `${hostname()}-local`;
  const deviceToken = saved.deviceToken && saved.deviceToken.length >= 16 ? saved.deviceToken : randomBytes(24).toString("base64url");
  await writeJsonAtomic(devicePath, { deviceId, deviceToken }, { secret: true });
  const backend = await startOomiBackend({
    dataFile: join(stateDir, "oomi-backend.json"),
    port: Number(env.OOMI_BACKEND_PORT ?? 0),
    devices: [{ deviceId, deviceToken, label: "clawbridge local host" }],
    log: (line) => process.stderr.write(`oomi-backend: ${line}\n`),
  });
  process.stderr.write(`oomi backend (embedded) on ${backend.url}; device token in ${devicePath}\n`);
  return { backend, deviceId, deviceToken };
}
