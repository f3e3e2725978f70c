import type { ChannelPlugin } from "openclaw/plugin-sdk/channel-core";
import type { OpenClawPluginApi } from "openclaw/plugin-sdk/plugin-entry";

/** What `api.registerChannel` takes: `{ plugin }` or the channel plugin itself. */
export type ChannelRegistration = Parameters<OpenClawPluginApi["registerChannel"]>[0];

/** The chat types a channel may declare in `capabilities.chatTypes` (openclaw 2026.9.6). */
const CHAT_TYPES: ReadonlySet<string> = new Set(["direct", "group", "channel", "thread"]);

export type ChannelCheck = { ok: true; plugin: ChannelPlugin } | { ok: false; message: string };

/**
 * Checks a channel registration the way openclaw 2026.9.6 does before it adds the channel to its
 * registry (`normalizeRegisteredChannelPlugin`): an id, at least one known chat type, and the
 * `config.listAccountIds` / `config.resolveAccount` helpers. A refused channel is not registered, and
 * the messages are the gateway's own, so a plugin that works here is not refused there.
 */
export function checkChannelRegistration(registration: ChannelRegistration): ChannelCheck {
  const candidate = (
    registration && typeof (registration as { plugin?: unknown }).plugin === "object"
      ? (registration as { plugin: ChannelPlugin }).plugin
      : registration
  ) as Partial<ChannelPlugin> | undefined;
  const id = typeof candidate?.id === "string" ? candidate.id.trim() : "";
  if (!candidate || !id) return { ok: false, message: "channel registration missing id" };
  const chatTypes = candidate.capabilities?.chatTypes as unknown;
  if (!Array.isArray(chatTypes) || chatTypes.length === 0 || chatTypes.some((type) => !CHAT_TYPES.has(type))) {
    return { ok: false, message: `channel "${id}" registration missing or invalid required capabilities.chatTypes` };
  }
  if (typeof candidate.config?.listAccountIds !== "function" || typeof candidate.config?.resolveAccount !== "function") {
    return { ok: false, message: `channel "${id}" registration missing required config helpers` };
  }
  return { ok: true, plugin: { ...(candidate as ChannelPlugin), id } };
}

/** The gateway's refusal of a channel id another plugin already registered. */
export function channelTakenMessage(channelId: string, ownerPluginId: string): string {
  return `channel already registered: ${channelId} (${ownerPluginId})`;
}

/** The fields of a `runCommandFromIngress` request the gateway's admission check reads. */
export interface IngressAuthority {
  messageChannel?: string | undefined;
  senderIsOwner?: boolean | undefined;
}

/**
 * Why openclaw 2026.9.6 refuses `api.runtime.agent.runCommandFromIngress` from this plugin, or
 * undefined when it admits the turn. The gateway admits a turn only from a plugin that registered the
 * channel named by `messageChannel`, and an owner claim (`senderIsOwner: true`) only from a bundled or
 * trusted official plugin — which no plugin a local host loads is. Same text as the gateway's error.
 */
export function ingressRefusal(pluginId: string, channelIds: readonly string[], request: IngressAuthority): string | undefined {
  const { messageChannel, senderIsOwner } = request;
  const admitted = senderIsOwner !== true && messageChannel !== undefined && channelIds.includes(messageChannel);
  return admitted
    ? undefined
    : `Plugin "${pluginId}" cannot admit authenticated owner authority for channel "${messageChannel ?? "unknown"}".`;
}
