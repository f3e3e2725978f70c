import * as z from "zod";

const JsonSchemaObjectSchema = z.record(z.string(), z.unknown());

/**
 * `channelConfigs.<channel id>` of a manifest: the JSON Schema of `channels.<channel id>`, which OpenClaw
 * reads before the plugin loads (config validation, setup, UI), and the channel's label.
 */
export const PluginChannelConfigSchema = z.looseObject({
  schema: JsonSchemaObjectSchema,
  label: z.string().optional(),
  description: z.string().optional(),
});
export type PluginChannelConfig = z.infer<typeof PluginChannelConfigSchema>;

/**
 * `openclaw.plugin.json`: what the gateway reads before loading a plugin. `id` is the key of
 * `plugins.entries.<id>`, `configSchema` validates that entry's `config`, and every tool the plugin
 * registers must be listed in `contracts.tools`. `channels` lists the channel ids the plugin registers
 * (what marks it a channel plugin), each with its `channelConfigs` entry.
 */
export const PluginManifestSchema = z.looseObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "plugin id: lowercase letters, digits and dashes"),
  name: z.string().optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  categories: z.array(z.string()).optional(),
  activation: z.looseObject({ onStartup: z.boolean().optional() }).optional(),
  configSchema: JsonSchemaObjectSchema,
  channels: z.array(z.string().min(1)).optional(),
  channelConfigs: z.record(z.string(), PluginChannelConfigSchema).optional(),
  /** Skill folders (each holding a SKILL.md) shipped with the plugin, relative to its root. */
  skills: z.array(z.string().min(1)).optional(),
  contracts: z.looseObject({ tools: z.array(z.string()).optional() }).optional(),
  uiHints: JsonSchemaObjectSchema.optional(),
});
export type PluginManifest = z.infer<typeof PluginManifestSchema>;

/** The `openclaw` block of a plugin's `package.json`. */
export const PluginPackageJsonSchema = z.looseObject({
  name: z.string(),
  version: z.string().optional(),
  type: z.literal("module").optional(),
  openclaw: z.looseObject({
    extensions: z.array(z.string()).min(1),
  }),
});
export type PluginPackageJson = z.infer<typeof PluginPackageJsonSchema>;
