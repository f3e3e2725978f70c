import { z } from "zod";
import { isPrototypeKey } from "../record-id.js";

/** A managed persona slug: lower-case words joined by single dashes (never a path). */
export const OOMI_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const OomiSlugSchema = z
  .string()
  .regex(OOMI_SLUG_PATTERN, "slug must be lower-case letters and digits joined by single dashes (e.g. market-analyst)")
  // Slugs key the backend's stores and name folders; `constructor` would read Object.prototype.
  .refine((slug) => !isPrototypeKey(slug), { message: "slug: a reserved name (an Object.prototype key) is not a slug" });
export type OomiSlug = z.infer<typeof OomiSlugSchema>;

export const OomiTemplateVersionSchema = z.literal("v1");

/** `persona.json` at the root of a persona workspace (and of a repo-local `personas/<id>/`). */
export const OomiPersonaManifestSchema = z.looseObject({
  id: OomiSlugSchema,
  name: z.string().min(1),
  summary: z.string(),
  status: z.enum(["inactive", "active"]),
  type: z.literal("persona"),
  templateType: z.literal("persona-app"),
  promptTemplateVersion: z.string().min(1),
  capabilities: z.array(z.string()),
  dataSources: z.array(z.string()),
  tags: z.array(z.string()),
});
export type OomiPersonaManifest = z.infer<typeof OomiPersonaManifestSchema>;

/** `oomi.runtime.json` at the workspace root: how the managed runtime launches and checks the app. */
export const OomiRuntimeConfigSchema = z.looseObject({
  templateVersion: z.string().min(1),
  appKind: z.literal("oomi-persona-app"),
  healthPath: z.string().startsWith("/").default("/oomi.health.json"),
  defaultPort: z.number().int().min(1).max(65535).default(4789),
  supportsRuntimeRegistration: z.boolean().default(true),
  renderMode: z.enum(["webspatial", "browser"]).default("webspatial"),
  entryDocument: z.string().default("/index.html"),
  editableZones: z.array(z.string()).default([]),
});
export type OomiRuntimeConfig = z.infer<typeof OomiRuntimeConfigSchema>;

/** `public/oomi.health.json`: what the health URL serves while the app is up. */
export const OomiHealthDocumentSchema = z.looseObject({
  ok: z.literal(true),
  status: z.literal("healthy"),
  appKind: z.literal("oomi-persona-app"),
  templateVersion: z.string(),
});
export type OomiHealthDocument = z.infer<typeof OomiHealthDocumentSchema>;

export const OomiTransportSchema = z.enum(["local", "relay"]);
export type OomiTransport = z.infer<typeof OomiTransportSchema>;

/** `.oomi/runtime.json` in a persona workspace: the managed runtime's local state. */
export const OomiRuntimeStateSchema = z.looseObject({
  slug: OomiSlugSchema,
  name: z.string(),
  description: z.string(),
  workspacePath: z.string().min(1),
  templateVersion: z.string(),
  localPort: z.number().int().min(1).max(65535),
  localEndpoint: z.string().url(),
  reachableEndpoint: z.string().url(),
  bindHost: z.string(),
  reachableHost: z.string(),
  endpoint: z.string().url(),
  entryUrl: z.string().url(),
  transport: OomiTransportSchema,
  healthcheckUrl: z.string().url(),
  pid: z.number().int().positive().nullable(),
  /**
   * Who `pid` is: taken when launch-managed started it (Linux: the boot id and the start time from
   * /proc/<pid>/stat; elsewhere `ps` lstart). stop, delete and launch --restart signal `pid` only while
   * it still matches, so a recycled pid is never signalled. Files written before it existed lack it;
   * packages/oomi/README.md says how those are checked.
   */
  processStartToken: z.string().min(1).optional(),
  logFilePath: z.string(),
  status: z.enum(["running", "stopped", "failed"]),
  lastStartedAt: z.string(),
  stoppedAt: z.string().optional(),
  devCommand: z.object({ command: z.string(), args: z.array(z.string()) }),
});
export type OomiRuntimeState = z.infer<typeof OomiRuntimeStateSchema>;

/** `~/.openclaw/oomi-bridge.json` (0600): the paired device and where its backend lives. */
export const OomiBridgeStateSchema = z.looseObject({
  brokerHttp: z.string().url(),
  brokerWs: z.string().optional(),
  deviceId: z.string().min(1),
  deviceToken: z.string().min(1),
  sessionKey: z.string().default("agent:main:webchat:channel:oomi"),
  claimedAt: z.string().optional(),
  expiresAt: z.string().nullable().optional(),
});
export type OomiBridgeState = z.infer<typeof OomiBridgeStateSchema>;

/** `~/.openclaw/oomi-bridge-status.json`: what the standalone bridge reports about itself. */
export const OomiBridgeStatusFileSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  lastPollAt: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  jobsSucceeded: z.number().int().min(0),
  jobsFailed: z.number().int().min(0),
  lastError: z.string().nullable(),
});
export type OomiBridgeStatusFile = z.infer<typeof OomiBridgeStatusFileSchema>;

/** `~/.openclaw/identity/device.json`: the OpenClaw device identity (Ed25519 keys, private key 0600). */
export const OomiDeviceIdentitySchema = z.object({
  version: z.literal(1),
  deviceId: z.string().min(1),
  publicKeyPem: z.string().includes("PUBLIC KEY"),
  privateKeyPem: z.string().includes("PRIVATE KEY"),
});
export type OomiDeviceIdentity = z.infer<typeof OomiDeviceIdentitySchema>;
