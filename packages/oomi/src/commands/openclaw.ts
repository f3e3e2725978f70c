import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import {
  OOMI_ROUTES,
  OomiBridgeStatusFileSchema,
  type OomiInviteResult,
  type OomiOpenclawStatusResult,
  type OomiPairClaimBody,
  type OomiPairResult,
  type OomiRefreshResult,
  type OomiRefreshVersionCheck,
  type OomiRoute,
} from "@clawbridge/contracts";
import { errorMessage, writeJsonAtomic } from "@clawbridge/plugin-host";
import type { z } from "zod";
import { connectBackend, readBridgeState } from "../backend/connection.js";
import { REDACTED } from "../cli/output.js";
import { OomiError } from "../errors.js";
import { bridgeStatePath, bridgeStatusPath, type Env } from "../paths.js";
import { PACKAGE_NAME, packageVersion } from "../version.js";
import type { BackendFlags, CommandContext } from "./context.js";

export const DEFAULT_SESSION_KEY = "agent:main:webchat:channel:oomi";

/**
 * Calls a route of the Oomi app or backend at `baseUrl` that needs no device token (pairing is how a
 * device gets one) and has no path parameters.
 */
async function callOpenRoute<R extends OomiRoute & { params?: never }>(
  ctx: CommandContext,
  baseUrl: string,
  route: R,
  body?: R["body"] extends z.ZodType ? z.input<R["body"]> : never,
): Promise<z.output<R["response"]>> {
  const doFetch = ctx.fetch ?? fetch;
  const url = `${baseUrl}${route.path}`;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: route.method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new OomiError("BACKEND_UNREACHABLE", `${url} is unreachable: ${errorMessage(error)}`);
  }
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new OomiError("BACKEND_ERROR", `${url} → ${response.status}: ${json.error ?? "request failed"}`, 1, response.status);
  const parsed = route.response.safeParse(json);
  if (!parsed.success) throw new OomiError("BACKEND_BAD_RESPONSE", `${url}: unexpected response`);
  return parsed.data as z.output<R["response"]>;
}

export interface PairFlags extends BackendFlags {
  appUrl?: string;
  label?: string;
  sessionKey?: string;
  /** `--no-start` (in upstream's agent instructions): pair only, leave the bridge alone. */
  start?: boolean;
  workspaceRoot?: string;
}

/** `--app-url`, else OOMI_APP_URL (the `pnpm start` banner exports it), else the Oomi app's local default. */
export const appUrlOf = (flags: PairFlags, env: Env) => (flags.appUrl || env.OOMI_APP_URL || "http://127.0.0.1:3456").replace(/\/+$/, "");

/** Pairs this machine: managed config → pair code → claim a device token → bridge state (0600) → invite link. */
export async function runPair(flags: PairFlags, ctx: CommandContext, cliPath: string): Promise<OomiPairResult> {
  const appUrl = appUrlOf(flags, ctx.env);
  ctx.progress(`pairing with the Oomi app at ${appUrl} …`);
  const config = await callOpenRoute(ctx, appUrl, OOMI_ROUTES.managedConfig);
  const brokerHttp = (flags.backendUrl || config.brokerHttpUrl).replace(/\/+$/, "");
  const { pairCode } = await callOpenRoute(ctx, appUrl, OOMI_ROUTES.pairStart, { label: flags.label || hostname() });
  const deviceId = flags.deviceId || ctx.env.OOMI_DEVICE_ID || hostname();
  // Pairing a device id again proves the token saved for it, or the backend refuses (409): a pair code
  // alone never takes over a paired device and its queue.
  const saved = await readBridgeState(ctx.env).catch(() => null);
  const claimBody: OomiPairClaimBody = { pairCode: pairCode.toUpperCase(), deviceId };
  if (saved?.deviceId === deviceId && saved.brokerHttp === brokerHttp) claimBody.currentDeviceToken = saved.deviceToken;
  const claim = await callOpenRoute(ctx, brokerHttp, OOMI_ROUTES.pairClaim, claimBody).catch((error: unknown) => {
    if (!(error instanceof OomiError && error.status === 409)) throw error;
    // Say it in the CLI's words: where the id came from, and the flag that pairs this machine anew.
    const from = flags.deviceId ? "--device-id" : ctx.env.OOMI_DEVICE_ID ? "OOMI_DEVICE_ID in your environment" : "this host's name";
    throw new OomiError(
      "DEVICE_ALREADY_PAIRED",
      `device ${deviceId} (from ${from}) is already paired with ${brokerHttp}, and this machine holds no token for it; pair under a new id: oomi openclaw pair --device-id <new-id>`,
      1,
      409,
    );
  });
  const sessionKey = flags.sessionKey || DEFAULT_SESSION_KEY;
  const claimedAt = new Date().toISOString();
  await writeJsonAtomic(
    bridgeStatePath(ctx.env),
    {
      brokerHttp,
      brokerWs: config.brokerDeviceWsUrl,
      deviceId,
      deviceToken: claim.deviceToken,
      sessionKey,
      claimedAt,
      expiresAt: claim.expiresAt ?? null,
    },
    { secret: true },
  );
  const client = await connectBackend(
    { backendUrl: brokerHttp, deviceToken: claim.deviceToken, deviceId },
    ctx.env,
    ctx.fetch ? { fetch: ctx.fetch } : {},
  );
  const invite = await client.inviteStart({ appUrl, sessionKey });
  let bridge: { pid: number; alreadyRunning: boolean } | null = null;
  if (flags.start !== false) {
    ctx.progress("starting the background Oomi bridge …");
    const { startBridgeProcess } = await import("../bridge/standalone.js");
    const started = await startBridgeProcess(
      {
        backendUrl: brokerHttp,
        deviceToken: claim.deviceToken,
        deviceId,
        ...(flags.workspaceRoot ? { workspaceRoot: flags.workspaceRoot } : {}),
      },
      ctx,
      cliPath,
    );
    bridge = { pid: Number(started.pid), alreadyRunning: started.started === false };
  }
  const statePath = bridgeStatePath(ctx.env);
  return {
    ok: true,
    deviceId,
    inviteUrl: invite.inviteUrl,
    inviteExpiresAt: invite.expiresAt,
    brokerHttpUrl: brokerHttp,
    brokerDeviceWsUrl: config.brokerDeviceWsUrl,
    bridgeMode: bridge ? "detached" : "skipped",
    bridgeStatePath: statePath,
    brokerHttp,
    statePath,
    sessionKey,
    claimedAt,
    bridge,
  };
}

/** An invite link for the paired device, with upstream's `appUrl`, `backendHttp` and `sessionKey`. */
export async function runInvite(flags: PairFlags, ctx: CommandContext): Promise<OomiInviteResult> {
  const state = await readBridgeState(ctx.env);
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  const appUrl = flags.appUrl || ctx.env.OOMI_APP_URL ? appUrlOf(flags, ctx.env) : client.baseUrl;
  const sessionKey = flags.sessionKey || ctx.env.OOMI_SESSION_KEY || state?.sessionKey || DEFAULT_SESSION_KEY;
  const invite = await client.inviteStart({ appUrl, sessionKey });
  return { ok: true, appUrl, backendHttp: client.baseUrl, inviteUrl: invite.inviteUrl, expiresAt: invite.expiresAt, sessionKey };
}

async function readBridgeStatus(env: Env) {
  const text = await readFile(bridgeStatusPath(env), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = OomiBridgeStatusFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Pairing and bridge state, with upstream's fields; the device token is never shown. */
export async function runOpenclawStatus(_flags: BackendFlags, ctx: CommandContext): Promise<OomiOpenclawStatusResult> {
  const state = await readBridgeState(ctx.env);
  const { bridgeProcessStatus } = await import("../bridge/standalone.js");
  const bridgeStatus = await readBridgeStatus(ctx.env);
  return {
    ok: true,
    bridgeStatePath: bridgeStatePath(ctx.env),
    bridgeStatusPath: bridgeStatusPath(ctx.env),
    bridgeState: {
      brokerHttp: state?.brokerHttp ?? "",
      brokerWs: state?.brokerWs ?? "",
      deviceId: state?.deviceId ?? "",
      deviceToken: state?.deviceToken ? REDACTED : "",
      claimedAt: state?.claimedAt ?? null,
      expiresAt: state?.expiresAt ?? null,
    },
    runtime: bridgeStatus ?? {},
    paired: Boolean(state),
    brokerHttp: state?.brokerHttp ?? null,
    deviceId: state?.deviceId ?? null,
    sessionKey: state?.sessionKey ?? null,
    hasDeviceToken: Boolean(state?.deviceToken),
    bridge: await bridgeProcessStatus(ctx.env),
    bridgeStatus,
  };
}

export interface RefreshFlags extends BackendFlags {
  workspaceRoot?: string;
  includeStopped?: boolean;
  /** `--skip-version-check` (upstream's flag); OOMI_SKIP_UPDATE_CHECK=1 does the same. */
  versionCheck?: boolean;
}

/** `1.2.3` as numbers; null for anything else (a pre-release suffix is ignored, as upstream does). */
function versionTuple(version: string): [number, number, number] | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/** True when `current` is older than `latest`; unparsable versions are never "behind". */
export function isBehind(current: string, latest: string): boolean {
  const a = versionTuple(current);
  const b = versionTuple(latest);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i += 1) if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  return false;
}

const truthy = (value: string | undefined) => Boolean(value) && !/^(0|false|no|off)$/i.test(value ?? "");

/**
 * Asks the npm registry for this package's latest version. Never fatal: offline, a timeout or an
 * error status leaves refresh to go on, saying why the check could not answer.
 */
async function checkLatestVersion(ctx: CommandContext): Promise<{ latest: string | null; reason: string | null }> {
  const registry = (ctx.env.OOMI_NPM_REGISTRY || ctx.env.npm_config_registry || "https://registry.npmjs.org").replace(/\/+$/, "");
  const timeoutMs = Number(ctx.env.OOMI_UPDATE_CHECK_TIMEOUT_MS) > 0 ? Number(ctx.env.OOMI_UPDATE_CHECK_TIMEOUT_MS) : 3_000;
  const url = `${registry}/${PACKAGE_NAME.replace("/", "%2F")}/latest`;
  try {
    const response = await (ctx.fetch ?? fetch)(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { latest: null, reason: `${url} answered ${response.status}` };
    const { version } = (await response.json()) as { version?: unknown };
    return typeof version === "string" ? { latest: version, reason: null } : { latest: null, reason: `${url} named no version` };
  } catch (error) {
    return { latest: null, reason: `${url} is unreachable: ${errorMessage(error)}` };
  }
}

/**
 * Checks the installed version against npm (as upstream; refused only when a newer one is known),
 * then relaunches (restart) and re-registers every local persona that was running
 * (`--include-stopped`: all of them).
 */
export async function runRefresh(flags: RefreshFlags, ctx: CommandContext, cliPath: string): Promise<OomiRefreshResult> {
  const currentVersion = packageVersion(cliPath);
  let versionCheck: OomiRefreshVersionCheck;
  let latestVersion = currentVersion;
  if (flags.versionCheck === false || truthy(ctx.env.OOMI_SKIP_UPDATE_CHECK)) {
    versionCheck = { status: "skipped", reason: null };
  } else {
    ctx.progress(`checking npm for the latest ${PACKAGE_NAME} (installed: ${currentVersion}) …`);
    const { latest, reason } = await checkLatestVersion(ctx);
    if (latest && isBehind(currentVersion, latest)) {
      throw new OomiError(
        "VERSION_BEHIND",
        `installed ${PACKAGE_NAME} ${currentVersion} is behind npm's ${latest}: update it, then run \`oomi openclaw refresh\` again (or skip the check with --skip-version-check / OOMI_SKIP_UPDATE_CHECK=1)`,
      );
    }
    if (reason) ctx.progress(`version check skipped: ${reason}`);
    latestVersion = latest ?? currentVersion;
    versionCheck = latest ? { status: "current", reason: null } : { status: "unavailable", reason };
  }
  const { readdir } = await import("node:fs/promises");
  const { join, resolve } = await import("node:path");
  const { existsSync } = await import("node:fs");
  const { defaultWorkspaceRoot } = await import("../paths.js");
  const { readRuntimeState } = await import("../runtime/state.js");
  const { runLaunchManaged } = await import("./launch-managed.js");
  const root = flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);
  const refreshed: Array<{ slug: string; ok: boolean; error?: string }> = [];
  if (existsSync(root)) {
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const state = await readRuntimeState(join(root, entry.name)).catch(() => null);
      if (!state || (state.status !== "running" && !flags.includeStopped)) continue;
      ctx.progress(`refreshing ${entry.name} …`);
      const result = await runLaunchManaged(entry.name, { ...flags, workspaceRoot: root, restart: true, create: false }, ctx).catch(
        (error) => ({
          ok: false,
          error: { message: errorMessage(error) },
        }),
      );
      refreshed.push({ slug: entry.name, ok: result.ok, ...(result.ok ? {} : { error: result.error?.message ?? "failed" }) });
    }
  }
  const failed = refreshed.filter((r) => !r.ok).map((r) => r.slug);
  if (failed.length > 0) {
    return {
      ok: false,
      error: { code: "REFRESH_FAILED", message: `could not refresh ${failed.join(", ")}` },
      currentVersion,
      latestVersion,
      versionCheck,
      workspaceRoot: root,
      refreshed,
    };
  }
  return { ok: true, currentVersion, latestVersion, versionCheck, workspaceRoot: root, refreshed };
}
