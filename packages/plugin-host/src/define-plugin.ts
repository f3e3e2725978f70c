import type { OpenClawPluginApi, OpenClawPluginConfigSchema } from "openclaw/plugin-sdk/plugin-entry";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
import { z } from "zod";
import { toJsonSchema } from "./json-schema.js";
import { describeIssues, formatIssues } from "./tool-result.js";

export interface PluginDefinition<Config extends z.ZodType> {
  id: string;
  name: string;
  description: string;
  version?: string;
  /** Schema of `plugins.entries.<id>.config`; the manifest's `configSchema` is generated from it. */
  config?: Config;
  /** Skill folders shipped with the plugin, relative to its root (`openclaw.plugin.json` `skills`). */
  skills?: string[];
  register: (api: OpenClawPluginApi, config: z.output<Config>) => void;
}

/** What manifest generation needs to know about a plugin beyond what the SDK entry carries. */
export interface PluginMetadata {
  version?: string;
  config: z.ZodType;
  skills?: string[];
}

export const PLUGIN_METADATA = Symbol.for("clawbridge.plugin.metadata");

/** An OpenClaw config schema (`safeParse` + `jsonSchema`) backed by a zod schema. */
export function zodPluginConfigSchema(schema: z.ZodType): OpenClawPluginConfigSchema {
  return {
    safeParse(value: unknown) {
      const parsed = schema.safeParse(value ?? {});
      if (parsed.success) return { success: true, data: parsed.data };
      return {
        success: false,
        error: {
          issues: parsed.error.issues.map((i) => ({
            path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
            message: i.message,
          })),
        },
      };
    },
    jsonSchema: toJsonSchema(schema) as NonNullable<OpenClawPluginConfigSchema["jsonSchema"]>,
  };
}

const EMPTY_CONFIG = z.strictObject({});

/**
 * Defines an OpenClaw plugin entry whose config is a zod schema. `register` receives the parsed
 * config (defaults applied); a config that does not parse stops the load with every bad field named.
 */
export function definePlugin<Config extends z.ZodType = typeof EMPTY_CONFIG>(definition: PluginDefinition<Config>) {
  const config = (definition.config ?? EMPTY_CONFIG) as z.ZodType;
  const entry = definePluginEntry({
    id: definition.id,
    name: definition.name,
    description: definition.description,
    configSchema: zodPluginConfigSchema(config),
    register(api) {
      const parsed = config.safeParse(api.pluginConfig ?? {});
      if (!parsed.success) {
        throw new Error(`plugin "${definition.id}" config is invalid: ${formatIssues(describeIssues(parsed.error.issues))}`);
      }
      definition.register(api, parsed.data as z.output<Config>);
    },
  });
  const metadata: PluginMetadata = {
    config,
    ...(definition.version ? { version: definition.version } : {}),
    ...(definition.skills?.length ? { skills: definition.skills } : {}),
  };
  Object.defineProperty(entry, PLUGIN_METADATA, { value: metadata, enumerable: false });
  return entry;
}

export function pluginMetadataOf(entry: object): PluginMetadata | undefined {
  return (entry as Record<symbol, PluginMetadata | undefined>)[PLUGIN_METADATA];
}
