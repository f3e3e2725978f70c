import { z } from "zod";
import { cliEnvelopeOf } from "../cli/envelope.js";
import { OomiBridgeStatusFileSchema, OomiRuntimeStateSchema, OomiTransportSchema } from "./files.js";
import { OomiBackendPersonaSchema, OomiManagedCreateResponseSchema, OomiPersonaJobSchema } from "./rest.js";

/** `oomi personas scaffold --json` */
export const OomiScaffoldResultSchema = cliEnvelopeOf({
  templateId: z.literal("persona-app"),
  templateVersion: z.string(),
  slug: z.string(),
  outDir: z.string(),
  files: z.array(z.string()),
  startCommand: z.string(),
  healthPath: z.string(),
  editableZones: z.array(z.string()),
  defaultPort: z.number().int(),
});
export type OomiScaffoldResult = z.infer<typeof OomiScaffoldResultSchema>;

/** `oomi personas create <id> --json`: the repo-local manifest written, and whether it was synced (with the device token). */
export const OomiCreateLocalResultSchema = cliEnvelopeOf({
  id: z.string(),
  path: z.string(),
  manifest: z.looseObject({ id: z.string(), name: z.string() }),
  synced: z.boolean(),
});
export type OomiCreateLocalResult = z.infer<typeof OomiCreateLocalResultSchema>;

/** `oomi personas create-managed --json` */
export const OomiCreateManagedResultSchema = cliEnvelopeOf(OomiManagedCreateResponseSchema.shape);
export type OomiCreateManagedResult = z.infer<typeof OomiCreateManagedResultSchema>;

const ErrorObjectSchema = z.object({ code: z.string(), message: z.string() });

/**
 * Where a local runtime listens: the loopback endpoint health checks use and the endpoint clients
 * are given. Upstream (oomi-ai 0.2.50) prints it as launch-managed's `localRuntime`.
 */
export const OomiLocalRuntimeSchema = z.object({
  transport: z.literal("local"),
  endpoint: z.string(),
  reachableEndpoint: z.string(),
  bindHost: z.string(),
  reachableHost: z.string(),
  localPort: z.number().int(),
  healthcheckUrl: z.string(),
});
export type OomiLocalRuntime = z.infer<typeof OomiLocalRuntimeSchema>;

/** What is registered with the backend for a runtime: upstream's launch-managed `runtime`. */
export const OomiRuntimeRegistrationSchema = z.object({
  endpoint: z.string(),
  transport: OomiTransportSchema,
  healthcheckUrl: z.string(),
  localPort: z.number().int().nullable(),
  localEndpoint: z.string(),
  reachableEndpoint: z.string(),
});
export type OomiRuntimeRegistration = z.infer<typeof OomiRuntimeRegistrationSchema>;

/**
 * `oomi personas launch-managed --json`, a superset of upstream's: `persona`, `createdPersona`,
 * `launch`, `runtime` (what is registered), `localRuntime`, `state` (`.oomi/runtime.json`) and
 * `registration` (the backend's `{persona}` answer, null with --no-register). Local launch and
 * backend registration are reported apart: a runtime that serves locally but failed to register is
 * not a success (`ok` false, `registration.ok` false with its error).
 */
export const OomiLaunchResultSchema = z.object({
  ok: z.boolean(),
  persona: OomiBackendPersonaSchema.nullable(),
  createdPersona: z.boolean(),
  launch: z.object({
    ok: z.boolean(),
    slug: z.string(),
    workspacePath: z.string(),
    scaffolded: z.boolean(),
    installed: z.boolean(),
    reusedRunningProcess: z.boolean(),
  }),
  runtime: OomiRuntimeRegistrationSchema.nullable(),
  localRuntime: OomiLocalRuntimeSchema.nullable(),
  state: OomiRuntimeStateSchema.nullable(),
  registration: z
    .discriminatedUnion("ok", [
      z.object({ ok: z.literal(true), persona: OomiBackendPersonaSchema }),
      z.object({ ok: z.literal(false), error: ErrorObjectSchema }),
    ])
    .nullable(),
  error: ErrorObjectSchema.optional(),
});
export type OomiLaunchResult = z.infer<typeof OomiLaunchResultSchema>;

/**
 * Where a persona's workspace is, after moving a legacy `~/.openclaw/personas/<slug>` into the
 * workspace root as upstream does (or linking it when it cannot be moved).
 */
export const OomiWorkspaceResolutionSchema = z.object({
  workspaceRoot: z.string(),
  workspacePath: z.string(),
  editableWorkspacePath: z.string(),
  /** The legacy path kept as a link to the workspace; empty when the root is the legacy folder itself. */
  compatibilityWorkspacePath: z.string(),
  migratedFromLegacy: z.boolean(),
  canonicalProxyCreated: z.boolean(),
  legacyProxyCreated: z.boolean(),
});
export type OomiWorkspaceResolution = z.infer<typeof OomiWorkspaceResolutionSchema>;

const statusFields = {
  slug: z.string(),
  ...OomiWorkspaceResolutionSchema.shape,
  workspaceExists: z.boolean(),
  runtimeStatePath: z.string(),
  state: OomiRuntimeStateSchema.nullable(),
  /** Upstream's name for `processAlive`. */
  processRunning: z.boolean(),
  processAlive: z.boolean(),
  healthy: z.boolean().nullable(),
};

/**
 * `oomi personas status --json`, a superset of upstream's. An unknown persona (no workspace) is a
 * failure (exit 1) that still carries every field, so a script reading `workspaceExists` works.
 */
export const OomiStatusResultSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), ...statusFields }),
  z.object({ ok: z.literal(false), error: ErrorObjectSchema, ...statusFields }),
]);
export type OomiStatusResult = z.infer<typeof OomiStatusResultSchema>;

/** `oomi personas stop --json` / `delete --json`, with upstream's `stopped` and `state` (stop) and `deleted` (delete). */
export const OomiStopResultSchema = cliEnvelopeOf({
  slug: z.string(),
  workspacePath: z.string(),
  wasRunning: z.boolean(),
  /** Upstream's name for `wasRunning`: a process was stopped. */
  stopped: z.boolean(),
  signal: z.enum(["SIGTERM", "SIGKILL"]).nullable(),
  removed: z.boolean(),
  /** `removed` under upstream's name; only `delete` prints it. */
  deleted: z.boolean().optional(),
  /** `.oomi/runtime.json` after the stop (null when there was none); only `stop` prints it. */
  state: OomiRuntimeStateSchema.nullable().optional(),
  /** Set when runtime.json named a live process that is not the dev server launch-managed started: it was left alone, and why. */
  notSignalled: z.object({ pid: z.number().int(), reason: z.string() }).nullable(),
});
export type OomiStopResult = z.infer<typeof OomiStopResultSchema>;

/**
 * `runtime-register`, `heartbeat`, `runtime-fail --json`: the backend's `{persona}` answer as
 * upstream prints it, plus `ok` and the `request` that was sent.
 */
export const OomiPersonaCallResultSchema = cliEnvelopeOf({
  persona: OomiBackendPersonaSchema,
  request: z.record(z.string(), z.unknown()),
});
export type OomiPersonaCallResult = z.infer<typeof OomiPersonaCallResultSchema>;

/** `persona-jobs start|succeed|fail --json`: the backend's `{job}` answer, plus `ok` and the `request`. */
export const OomiJobCallResultSchema = cliEnvelopeOf({
  job: OomiPersonaJobSchema,
  request: z.record(z.string(), z.unknown()),
});
export type OomiJobCallResult = z.infer<typeof OomiJobCallResultSchema>;

/** `oomi openclaw pair --json`: upstream's summary plus ours (the token is never in it). */
export const OomiPairResultSchema = cliEnvelopeOf({
  deviceId: z.string(),
  inviteUrl: z.string(),
  inviteExpiresAt: z.string(),
  brokerHttpUrl: z.string(),
  brokerDeviceWsUrl: z.string(),
  /** `skipped` with --no-start; `detached` when pair started the background bridge. */
  bridgeMode: z.enum(["skipped", "detached"]),
  bridgeStatePath: z.string(),
  /** Our names, kept: the same values as brokerHttpUrl and bridgeStatePath. */
  brokerHttp: z.string(),
  statePath: z.string(),
  sessionKey: z.string(),
  claimedAt: z.string(),
  /** The background bridge pair started (null when skipped). */
  bridge: z.object({ pid: z.number().int(), alreadyRunning: z.boolean() }).nullable(),
});
export type OomiPairResult = z.infer<typeof OomiPairResultSchema>;

/** `oomi openclaw invite --json`: upstream's summary. */
export const OomiInviteResultSchema = cliEnvelopeOf({
  appUrl: z.string(),
  backendHttp: z.string(),
  inviteUrl: z.string(),
  expiresAt: z.string().nullable(),
  sessionKey: z.string(),
});
export type OomiInviteResult = z.infer<typeof OomiInviteResultSchema>;

/** `oomi openclaw status --json` / `bridge status --json`: upstream's fields (token redacted) plus ours. */
export const OomiOpenclawStatusResultSchema = cliEnvelopeOf({
  bridgeStatePath: z.string(),
  bridgeStatusPath: z.string(),
  bridgeState: z.object({
    brokerHttp: z.string(),
    brokerWs: z.string(),
    deviceId: z.string(),
    /** Never the token: "[redacted]" when one is stored, else empty (upstream shows part of it). */
    deviceToken: z.string(),
    claimedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  }),
  /** What the running bridge reports about itself (`oomi-bridge-status.json`); `{}` when none. */
  runtime: z.union([OomiBridgeStatusFileSchema, z.object({})]),
  paired: z.boolean(),
  brokerHttp: z.string().nullable(),
  deviceId: z.string().nullable(),
  sessionKey: z.string().nullable(),
  hasDeviceToken: z.boolean(),
  bridge: z.object({ running: z.boolean(), pid: z.number().int().nullable() }).loose(),
  bridgeStatus: OomiBridgeStatusFileSchema.nullable(),
});
export type OomiOpenclawStatusResult = z.infer<typeof OomiOpenclawStatusResultSchema>;

/** `oomi persona-jobs execute --json` and each bridge job outcome. */
export const OomiJobExecutionResultSchema = z.object({
  ok: z.boolean(),
  jobId: z.string(),
  jobType: z.enum(["create_persona_runtime", "destroy_persona_runtime"]).nullable(),
  slug: z.string().nullable(),
  workspacePath: z.string().nullable(),
  localPort: z.number().int().nullable(),
  endpoint: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type OomiJobExecutionResult = z.infer<typeof OomiJobExecutionResultSchema>;

/** `oomi openclaw bridge service <action> --json`: the bridge's systemd user unit. */
export const OomiBridgeServiceResultSchema = cliEnvelopeOf({
  action: z.enum(["install", "start", "stop", "restart", "status", "uninstall"]),
  unit: z.string(),
  unitPath: z.string(),
  installed: z.boolean(),
  /** This action started (or restarted) the unit. */
  started: z.boolean(),
  loaded: z.boolean(),
  running: z.boolean(),
  activeState: z.string().nullable(),
  pid: z.number().int().nullable(),
  lastExitCode: z.number().int().nullable(),
});
export type OomiBridgeServiceResult = z.infer<typeof OomiBridgeServiceResultSchema>;

const refreshFields = {
  currentVersion: z.string(),
  /** The registry's latest, else the current version (as upstream). */
  latestVersion: z.string(),
  versionCheck: z.object({
    status: z.enum(["current", "skipped", "unavailable"]),
    /** Why the check could not answer (offline, timeout, an error status); refresh went on. */
    reason: z.string().nullable(),
  }),
  workspaceRoot: z.string(),
  refreshed: z.array(z.object({ slug: z.string(), ok: z.boolean(), error: z.string().optional() })),
};

/** `oomi openclaw refresh --json`: upstream's version fields plus what was refreshed; a persona that failed makes it a failure that still lists every one. */
export const OomiRefreshResultSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), ...refreshFields }),
  z.object({ ok: z.literal(false), error: ErrorObjectSchema, ...refreshFields }),
]);
export type OomiRefreshResult = z.infer<typeof OomiRefreshResultSchema>;
export type OomiRefreshVersionCheck = OomiRefreshResult["versionCheck"];

/** `oomi openclaw bridge start --json`: the background bridge, started now or already running. */
export const OomiBridgeStartResultSchema = cliEnvelopeOf({
  started: z.boolean(),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  logPath: z.string(),
});
export type OomiBridgeStartResult = z.infer<typeof OomiBridgeStartResultSchema>;

/** `oomi openclaw bridge stop --json`: whether a verified bridge process was stopped, and how. */
export const OomiBridgeStopResultSchema = cliEnvelopeOf({
  stopped: z.boolean(),
  pid: z.number().int().nullable(),
  signal: z.enum(["SIGTERM", "SIGKILL"]).nullable().optional(),
  notSignalled: z.object({ pid: z.number().int(), reason: z.string() }).optional(),
});
export type OomiBridgeStopResult = z.infer<typeof OomiBridgeStopResultSchema>;
