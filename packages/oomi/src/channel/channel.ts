import { OOMI_CHANNEL_ID, type OomiBridgeState, OomiChannelConfigSchema } from "@clawbridge/contracts";
import { toJsonSchema } from "@clawbridge/plugin-host";
import type { ChannelPlugin } from "openclaw/plugin-sdk/channel-core";
import type { Env } from "../paths.js";
import { defaultOomiAccountId, listOomiAccountIds, type ResolvedOomiAccount, readPairedDevice, resolveOomiAccount } from "./accounts.js";
import { dispatchOomiInbound, type OomiChannelRuntime } from "./inbound.js";
import { type MonitorStatusPatch, runOomiAccountMonitor } from "./monitor.js";
import { normalizeOomiTarget, sendOomiText } from "./outbound.js";

/** `channels.oomi` as JSON Schema: the manifest's `channelConfigs.oomi.schema`, and the plugin's `configSchema`. */
export const oomiChannelConfigJsonSchema = () => toJsonSchema(OomiChannelConfigSchema);

export interface OomiChannelOptions {
  env: Env;
  /** The plugin runtime's channel surface, for an account context that carries none. */
  channelRuntime: () => OomiChannelRuntime | undefined;
  /** The paired device (default: read from `~/.openclaw/oomi-bridge.json` on each resolution). */
  pairedDevice?: () => OomiBridgeState | null;
}

/**
 * The `oomi` channel: accounts from `channels.oomi.accounts.<id>` (or the paired device), an account
 * monitor per enabled account (broker WebSocket, poll fallback) that hands each chat message to
 * core's inbound pipeline, `sendText` to the backend for every reply, and a status snapshot.
 */
export function createOomiChannel(options: OomiChannelOptions): ChannelPlugin<ResolvedOomiAccount> {
  const paired = options.pairedDevice ?? (() => readPairedDevice(options.env));
  const resolve = (cfg: { channels?: unknown }, accountId?: string | null) => resolveOomiAccount(cfg, accountId, paired());
  return {
    id: OOMI_CHANNEL_ID,
    meta: {
      id: OOMI_CHANNEL_ID,
      label: "Oomi",
      selectionLabel: "Oomi (Managed)",
      docsPath: "/channels/oomi",
      docsLabel: "oomi",
      blurb: "Oomi chat through the paired device's broker WebSocket.",
      aliases: ["oomi-ai"],
    },
    capabilities: { chatTypes: ["direct"] },
    reload: { configPrefixes: ["channels.oomi"] },
    configSchema: { schema: oomiChannelConfigJsonSchema() },
    config: {
      listAccountIds: (cfg) => listOomiAccountIds(cfg, paired()),
      resolveAccount: (cfg, accountId) => resolve(cfg, accountId),
      defaultAccountId: (cfg) => defaultOomiAccountId(cfg, paired()),
      inspectAccount: (cfg, accountId) => {
        const account = resolve(cfg, accountId);
        return {
          enabled: account.enabled,
          configured: account.configured,
          tokenStatus: account.tokenSource === "none" ? "missing" : "available",
        };
      },
      isEnabled: (account) => account.enabled,
      isConfigured: (account) => account.configured,
      unconfiguredReason: (account) => account.problem ?? "",
      resolveAllowFrom: ({ cfg, accountId }) => resolve(cfg, accountId).allowFrom,
    },
    messaging: {
      normalizeTarget: normalizeOomiTarget,
      inferTargetChatType: () => "direct",
      targetResolver: { looksLikeId: (raw) => normalizeOomiTarget(raw) !== undefined, hint: "<oomi-conversation-key>" },
    },
    outbound: {
      deliveryMode: "direct",
      sendText: async ({ cfg, to, text, accountId }) => {
        const result = await sendOomiText({ account: resolve(cfg, accountId), to, text });
        return { channel: OOMI_CHANNEL_ID, messageId: result.messageId };
      },
    },
    status: {
      defaultRuntime: { accountId: "default", running: false, connected: false, lastError: null },
      buildChannelSummary: ({ snapshot }) => ({
        configured: snapshot.configured ?? false,
        running: snapshot.running ?? false,
        connected: snapshot.connected ?? false,
      }),
      buildAccountSnapshot: ({ account, runtime }) => ({
        ...runtime,
        accountId: account.accountId,
        enabled: account.enabled,
        configured: account.configured,
        lastError: runtime?.lastError ?? account.problem,
      }),
    },
    gateway: {
      startAccount: async (ctx) => {
        const { account } = ctx;
        if (!account.configured) throw new Error(account.problem ?? `oomi account ${account.accountId} is not configured`);
        const channelRuntime = ctx.channelRuntime ?? options.channelRuntime();
        if (!channelRuntime) throw new Error("the gateway gave the oomi channel no channel runtime");
        const setStatus = (patch: MonitorStatusPatch) =>
          ctx.setStatus({ ...ctx.getStatus(), ...patch, accountId: account.accountId, enabled: account.enabled, configured: true });
        await runOomiAccountMonitor({
          account,
          signal: ctx.abortSignal,
          onStatus: setStatus,
          log: (line) => ctx.log?.info?.(line),
          handle: (message, send) =>
            dispatchOomiInbound({ cfg: ctx.cfg, account, channelRuntime: channelRuntime as OomiChannelRuntime, message, send }),
        });
      },
    },
  };
}
