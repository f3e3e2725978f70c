import { readFile } from "node:fs/promises";
import { type OomiBridgeState, OomiBridgeStateSchema } from "@clawbridge/contracts";
import { invalidInput, OomiError } from "../errors.js";
import { bridgeStatePath, type Env } from "../paths.js";
import { type FetchLike, OomiBackendClient } from "./client.js";

export interface ConnectionFlags {
  backendUrl?: string;
  deviceId?: string;
  deviceToken?: string;
}

/** Reads the paired bridge state; a missing file is null, a malformed one a clear error. */
export async function readBridgeState(env: Env): Promise<OomiBridgeState | null> {
  const path = bridgeStatePath(env);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OomiError("BRIDGE_STATE_INVALID", `${path} is not valid JSON; pair again with \`oomi openclaw pair\``);
  }
  const parsed = OomiBridgeStateSchema.safeParse(json);
  if (!parsed.success)
    throw new OomiError("BRIDGE_STATE_INVALID", `${path} is malformed (${parsed.error.issues[0]?.path.join(".")}); pair again`);
  return parsed.data;
}

/** `--backend-url` → OOMI_DEV_BACKEND_URL → OOMI_BACKEND_URL → NEXT_PUBLIC_BACKEND_URL → the paired brokerHttp. */
export function resolveBackendUrl(flags: ConnectionFlags, env: Env, state: OomiBridgeState | null): string {
  const url = flags.backendUrl || env.OOMI_DEV_BACKEND_URL || env.OOMI_BACKEND_URL || env.NEXT_PUBLIC_BACKEND_URL || state?.brokerHttp;
  if (!url) {
    throw invalidInput(
      "No Oomi backend URL: pass --backend-url, set OOMI_BACKEND_URL, or pair with `oomi openclaw pair`.",
      "BACKEND_URL_MISSING",
    );
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw invalidInput(`backend URL is not an http(s) URL: ${url}`, "BACKEND_URL_INVALID");
  }
  return url.replace(/\/+$/, "");
}

export async function connectBackend(
  flags: ConnectionFlags,
  env: Env,
  options: { fetch?: FetchLike; timeoutMs?: number; withDeviceId?: boolean } = {},
): Promise<OomiBackendClient> {
  const state = await readBridgeState(env);
  const deviceToken = flags.deviceToken || env.OOMI_DEVICE_TOKEN || state?.deviceToken;
  const deviceId = flags.deviceId || env.OOMI_DEVICE_ID || state?.deviceId;
  return new OomiBackendClient({
    baseUrl: resolveBackendUrl(flags, env, state),
    ...(deviceToken ? { deviceToken } : {}),
    ...(deviceId && options.withDeviceId !== false ? { deviceId } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutMs: options.timeoutMs ?? Number(env.OOMI_REQUEST_TIMEOUT_MS ?? 15_000),
  });
}
