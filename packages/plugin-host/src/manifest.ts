import { type PluginChannelConfig, type PluginManifest, PluginManifestSchema } from "@clawbridge/contracts";
import type { ChannelPlugin } from "openclaw/plugin-sdk/channel-core";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { pluginMetadataOf } from "./define-plugin.js";
import { toJsonSchema } from "./json-schema.js";
import { createPluginApi } from "./plugin-api.js";
import { emptyRegistrations, type PluginRegistrations } from "./plugin-types.js";

/** The shape of a plugin entry as OpenClaw loads it. */
export interface PluginEntryLike {
  id: string;
  name: string;
  description: string;
  configSchema?: { jsonSchema?: unknown };
  register: (api: never) => void;
}

const silentLogger: PluginLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Runs `register` against a recording API (no services are started) and returns what it registered. */
export function collectRegistrations(entry: PluginEntryLike, pluginConfig: Record<string, unknown> = {}): PluginRegistrations {
  const registrations = emptyRegistrations();
  const api = createPluginApi({
    id: entry.id,
    name: entry.name,
    description: entry.description,
    source: "manifest",
    registrationMode: "discovery",
    pluginConfig,
    logger: silentLogger,
    runtime: {},
    registrations,
  });
  entry.register(api as never);
  return registrations;
}

const EMPTY_OBJECT_SCHEMA = { type: "object", additionalProperties: false, properties: {} };

/** A registered channel's `channelConfigs` entry: the schema of its `channels.<id>` section and its label. */
function channelConfigOf(channel: ChannelPlugin): PluginChannelConfig {
  return {
    schema: (channel.configSchema?.schema as Record<string, unknown> | undefined) ?? EMPTY_OBJECT_SCHEMA,
    ...(channel.meta?.label ? { label: channel.meta.label } : {}),
    ...(channel.meta?.blurb ? { description: channel.meta.blurb } : {}),
  };
}

/**
 * Generates `openclaw.plugin.json` from the plugin definition: id, name, description, the config
 * schema generated from zod, `contracts.tools` listing every tool the plugin registers, and for a
 * channel plugin `channels` with each channel's `channelConfigs` (OpenClaw validates `channels.<id>`
 * against it before the plugin loads).
 */
export function buildManifest(entry: PluginEntryLike, options: { version?: string } = {}): PluginManifest {
  const metadata = pluginMetadataOf(entry);
  const configSchema = metadata
    ? toJsonSchema(metadata.config)
    : ((entry.configSchema?.jsonSchema as Record<string, unknown> | undefined) ?? EMPTY_OBJECT_SCHEMA);
  const registrations = collectRegistrations(entry);
  const tools = [...new Set(registrations.tools.flatMap((t) => t.names))].sort();
  // OpenClaw loads a plugin lazily, when one of its tools is needed, unless the manifest asks for
  // startup: a plugin whose work is a service, a hook or an HTTP route would otherwise never run.
  const runsAtStartup = registrations.services.length > 0 || registrations.hooks.length > 0 || registrations.httpRoutes.length > 0;
  const channels = registrations.channels;
  const version = options.version ?? metadata?.version;
  return PluginManifestSchema.parse({
    id: entry.id,
    name: entry.name,
    description: entry.description,
    ...(version ? { version } : {}),
    ...(runsAtStartup ? { activation: { onStartup: true } } : {}),
    configSchema,
    ...(channels.length > 0
      ? {
          channels: channels.map((channel) => channel.id),
          channelConfigs: Object.fromEntries(channels.map((channel) => [channel.id, channelConfigOf(channel)])),
        }
      : {}),
    ...(metadata?.skills ? { skills: metadata.skills } : {}),
    contracts: { tools },
  });
}

/** The exact text a checked-in manifest must have: stable key order, two-space indent, final newline. */
export function renderManifest(manifest: PluginManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
