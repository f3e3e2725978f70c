import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { LocalOomiDeviceFileSchema } from "@clawbridge/contracts";
import { type RunningOomiBackend, startOomiBackend } from "@clawbridge/oomi-backend";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";

export interface EmbeddedOomi {
  backend: RunningOomiBackend;
  deviceId: string;
  deviceToken: string;
  /** `<state-dir>/oomi-device.json` (0600), where the `oomi` CLI reads the token from. */
  devicePath: string;
}

/**
 * The local Oomi backend the host starts by default (loopback, durable under the state dir), with
 * one device whose token is kept 0600 so the `oomi` CLI and the bridge plugin survive restarts.
 * It listens on `port` (0: a free one).
 */
export async function startEmbeddedOomiBackend(stateDir: string, port: number): Promise<EmbeddedOomi> {
  const devicePath = join(stateDir, "oomi-device.json");
  // An unreadable file is set aside (kept as evidence) and a new device is made.
  const read = await readJsonFile(devicePath, LocalOomiDeviceFileSchema);
  const saved = read.status === "ok" ? read.value : {};
  const deviceId = saved.deviceId || `${hostname()}-local`;
  const deviceToken = saved.deviceToken && saved.deviceToken.length >= 16 ? saved.deviceToken : randomBytes(24).toString("base64url");
  await writeJsonAtomic(devicePath, { deviceId, deviceToken }, { secret: true });
  const backend = await startOomiBackend({
    dataFile: join(stateDir, "oomi-backend.json"),
    port,
    devices: [{ deviceId, deviceToken, label: "clawbridge local host" }],
    log: (line) => process.stderr.write(`oomi-backend: ${line}\n`),
  });
  return { backend, deviceId, deviceToken, devicePath };
}
