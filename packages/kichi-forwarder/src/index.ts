import { KichiForwarderConfigSchema } from "@clawbridge/contracts";
import { type DefinedTool, definePlugin, pluginStateDir } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import pkg from "../package.json" with { type: "json" };
import { createKichiChannelPlugin, sharedBotInlet } from "./channel/kichi-channel.js";
import { BotConversation } from "./hooks/bot-conversation.js";
import { registerStatusHooks } from "./hooks/status-hooks.js";
import { DEFAULT_BACKOFF } from "./runtime/backoff.js";
import { KichiRuntimes, releaseRuntimes, sharedRuntimes } from "./runtime/runtimes.js";
import { kichiActionTool } from "./tools/action-tool.js";
import { kichiBotMessageHistoryTool } from "./tools/bot-message-history-tool.js";
import { kichiBotMessageTool } from "./tools/bot-message-tool.js";
import { kichiClockTool } from "./tools/clock-tool.js";
import {
  kichiConnectionStatusTool,
  kichiJoinTool,
  kichiLeaveTool,
  kichiRejoinTool,
  kichiSwitchHostTool,
} from "./tools/connection-tools.js";
import { kichiGlanceTool } from "./tools/glance-tool.js";
import { kichiIdlePlanTool } from "./tools/idle-plan-tool.js";
import { kichiSyncMateScheduleTool } from "./tools/mate-schedule-tool.js";
import { kichiMusicAlbumTool } from "./tools/music-album-tool.js";
import { kichiNoteboardTool } from "./tools/noteboard-tool.js";
import { kichiQueryStatusTool } from "./tools/query-status-tool.js";
import type { KichiToolDeps } from "./tools/shared.js";

export const PLUGIN_ID = "kichi-forwarder";

/** The join source of the official Kichi OpenClaw build; it unlocks the mate schedule and presence answers. */
export const OFFICIAL_JOIN_SOURCE = "kichiclaw";

/** The tools an agent gets; the schedule tool only with the official join source. */
function kichiTools(deps: KichiToolDeps, ctx: OpenClawPluginToolContext, official: boolean): DefinedTool[] {
  return [
    kichiJoinTool(deps, ctx),
    kichiSwitchHostTool(deps, ctx),
    kichiRejoinTool(deps, ctx),
    kichiLeaveTool(deps, ctx),
    kichiConnectionStatusTool(deps, ctx),
    kichiActionTool(deps, ctx),
    kichiGlanceTool(deps, ctx),
    kichiIdlePlanTool(deps, ctx),
    ...(official ? [kichiSyncMateScheduleTool(deps, ctx)] : []),
    kichiClockTool(deps, ctx),
    kichiQueryStatusTool(deps, ctx, official),
    kichiMusicAlbumTool(deps, ctx),
    kichiNoteboardTool(deps, ctx),
    kichiBotMessageHistoryTool(deps, ctx),
    kichiBotMessageTool(deps, ctx),
  ];
}

export const KICHI_TOOL_NAMES = [
  "kichi_join",
  "kichi_switch_host",
  "kichi_rejoin",
  "kichi_leave",
  "kichi_connection_status",
  "kichi_action",
  "kichi_glance",
  "kichi_idle_plan",
  "kichi_sync_mate_daily_schedule",
  "kichi_clock",
  "kichi_query_status",
  "kichi_music_album_create",
  "kichi_noteboard_create",
  "kichi_bot_message_history",
  "kichi_bot_message",
];

/**
 * The Kichi forwarder: each agent of the gateway gets an avatar in Kichi World, driven by the
 * `kichi_*` tools and by hooks that mirror its work; bots in the room talk to each other.
 */
export default definePlugin({
  id: PLUGIN_ID,
  name: "Kichi Forwarder",
  description:
    "Puts each OpenClaw agent into Kichi World: kichi_* tools, reconnecting per-agent WebSockets, hook-driven status, bot-to-bot conversation through the kichi channel.",
  version: pkg.version,
  config: KichiForwarderConfigSchema,
  skills: ["./skills/kichi-forwarder"],
  register(api, config) {
    const settings = {
      ...(config.environment ? { defaultEnvironment: config.environment } : {}),
      ...(config.testHost ? { defaultTestHost: config.testHost } : {}),
      joinSource: config.joinSource ?? "openclaw",
      dailySchedulePath: config.dailySchedulePath,
      requestTimeoutMs: config.requestTimeoutMs ?? 10_000,
      backoff: { ...DEFAULT_BACKOFF, ...config.reconnect },
    };
    // The agent run reports through the plugin logger; it must never exit the gateway process.
    const agentRunEnv = {
      log: (...args: unknown[]) => api.logger.info(args.map(String).join(" ")),
      error: (...args: unknown[]) => api.logger.warn(args.map(String).join(" ")),
      exit: (code: number) => {
        throw new Error(`the bot-reply agent run asked to exit with code ${code}`);
      },
    };
    // Bot messages enter agents through the `kichi` channel: the gateway admits the reply's agent turn
    // (`runCommandFromIngress` with `messageChannel: "kichi"`) only from the plugin that registered it.
    const inlet = sharedBotInlet();
    api.registerChannel({
      plugin: createKichiChannelPlugin(inlet, (turn) => api.runtime.agent.runCommandFromIngress(turn, agentRunEnv)),
    });
    const root = () => pluginStateDir(api.runtime.state.resolveStateDir(), PLUGIN_ID);
    // One conversation (and cooldown map) per set of runtimes, however many times the plugin registers.
    const runtimes = () => {
      const dir = root();
      return sharedRuntimes(dir, () => {
        const created = new KichiRuntimes(dir, settings, api.logger);
        const conversation = new BotConversation({
          inlet,
          logger: api.logger,
          ...(config.botReplyCooldownMs === undefined ? {} : { cooldownMs: config.botReplyCooldownMs }),
        });
        created.setBotMessageListener((runtime, message) => {
          void conversation.handle(runtime, message);
        });
        return created;
      });
    };
    const deps: KichiToolDeps = { runtimes };

    const official = settings.joinSource === OFFICIAL_JOIN_SOURCE;
    api.registerTool((ctx: OpenClawPluginToolContext) => kichiTools(deps, ctx, official), {
      names: KICHI_TOOL_NAMES,
    });
    registerStatusHooks(api, runtimes);
    api.registerService({
      id: PLUGIN_ID,
      async start() {
        const started = await runtimes().startSaved();
        if (started.length > 0) api.logger.info(`kichi runtimes started for saved agents: ${started.join(", ")}`);
      },
      async stop() {
        const dir = root();
        await runtimes().stopAll();
        releaseRuntimes(dir);
      },
    });
  },
});
