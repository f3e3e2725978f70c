import * as z from "zod";
import { RecordIdSchema } from "../record-id.js";

/** `plugins.entries.<id>`: whether the plugin loads, its `config` (checked by its manifest's `configSchema`) and hook access. */
export const OpenClawPluginEntrySchema = z.looseObject({
  enabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  hooks: z.looseObject({ allowConversationAccess: z.boolean().optional() }).optional(),
});
export type OpenClawPluginEntry = z.infer<typeof OpenClawPluginEntrySchema>;

/** `models.providers.<id>` for an OpenAI-compatible server (openclaw `docs/gateway/config-tools/custom-providers.md`). */
export const OpenClawModelProviderSchema = z.looseObject({
  baseUrl: z.string(),
  apiKey: z.string().optional(),
  api: z.string(),
  models: z.array(
    z.looseObject({
      id: z.string().min(1),
      name: z.string().optional(),
      reasoning: z.boolean().optional(),
      input: z.array(z.string()).optional(),
    }),
  ),
});
export type OpenClawModelProvider = z.infer<typeof OpenClawModelProviderSchema>;

/** One entry of `bindings`: route a channel (one account of it, or `"*"` for all) to an agent. */
export const OpenClawBindingSchema = z.looseObject({
  agentId: z.string().min(1),
  match: z.looseObject({ channel: z.string().min(1), accountId: z.string().min(1).optional() }),
});
export type OpenClawBinding = z.infer<typeof OpenClawBindingSchema>;

/**
 * `session`: how the gateway groups conversations into sessions (`docs/gateway/config-agents/sessions.md`).
 * `dmScope` `main` (the default) puts every direct message of every channel into the agent's main
 * session; `per-channel-peer` gives each sender of each channel a session of its own.
 */
export const OpenClawSessionConfigSchema = z.looseObject({
  dmScope: z.enum(["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]).optional(),
});
export type OpenClawSessionConfig = z.infer<typeof OpenClawSessionConfigSchema>;

/**
 * `~/.openclaw/openclaw.json` (under `OPENCLAW_HOME`), as far as clawbridge writes it: the gateway
 * mode and browser origins, the log file, plugin entries, a model provider, the agents' default
 * model and channel sections. Every object is loose: keys OpenClaw itself keeps there (install records, `meta`, …) pass through
 * unchanged when clawbridge rewrites the file.
 */
export const OpenClawConfigSchema = z.looseObject({
  gateway: z
    .looseObject({
      mode: z.string().optional(),
      controlUi: z.looseObject({ allowedOrigins: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  logging: z.looseObject({ file: z.string().optional() }).optional(),
  plugins: z.looseObject({ entries: z.record(RecordIdSchema, OpenClawPluginEntrySchema).optional() }).optional(),
  models: z
    .looseObject({
      mode: z.string().optional(),
      providers: z.record(RecordIdSchema, OpenClawModelProviderSchema).optional(),
    })
    .optional(),
  agents: z
    .looseObject({
      defaults: z.looseObject({ model: z.looseObject({ primary: z.string().optional() }).optional() }).optional(),
      /** `agents.entries.<id>`: the agents besides the default one (workspace, model, … per agent). */
      entries: z.record(RecordIdSchema, z.looseObject({ default: z.boolean().optional() })).optional(),
    })
    .optional(),
  /**
   * Which agent owns a channel account (`docs/concepts/multi-agent.md`). With several agents OpenClaw
   * starts a channel account only once a binding names its owner.
   */
  bindings: z.array(OpenClawBindingSchema).optional(),
  session: OpenClawSessionConfigSchema.optional(),
  /** `channels.<id>`: each channel plugin's own section (accounts, policies), checked by that plugin. */
  channels: z.record(RecordIdSchema, z.record(z.string(), z.unknown())).optional(),
});
export type OpenClawConfig = z.infer<typeof OpenClawConfigSchema>;

/**
 * `<OPENCLAW_HOME>/clawbridge-installs.json`: the content digest (`pluginContentHash`) of the artifact
 * of each plugin installed in that home, so a restart installs again only what changed.
 */
export const OpenClawInstalledArtifactsSchema = z.object({
  plugins: z.record(
    RecordIdSchema,
    z.object({
      contentHash: z.string().regex(/^[0-9a-f]{64}$/, "contentHash: a sha256 hex digest"),
      installedAt: z.iso.datetime(),
    }),
  ),
});
export type OpenClawInstalledArtifacts = z.infer<typeof OpenClawInstalledArtifactsSchema>;
