import { AsyncLocalStorage } from "node:async_hooks";
import { KICHI_CHANNEL_ID, KichiChannelConfigSchema } from "@clawbridge/contracts";
import { toJsonSchema } from "@clawbridge/plugin-host";
import type { ChannelPlugin } from "openclaw/plugin-sdk/channel-core";
import type { AgentTurnRunner, BotInlet, BotReplyRunResult, BotReplyTurn } from "../hooks/bot-conversation.js";

/** The one account of the kichi channel: bot conversations are per agent, not per account. */
export const KICHI_ACCOUNT_ID = "default";

export interface KichiChannelAccount {
  accountId: string;
  enabled: boolean;
  configured: true;
}

/**
 * The `channels.kichi` section as the channel reads it. OpenClaw has already checked it against the
 * manifest's `channelConfigs.kichi` schema; a section that still does not parse (a local host, a
 * hand-edited file the gateway has not validated) leaves the channel disabled rather than guessing.
 */
export function resolveKichiChannelAccount(
  cfg: { readonly channels?: unknown } | undefined,
  accountId?: string | null,
): KichiChannelAccount {
  const channels = cfg?.channels;
  const section = channels && typeof channels === "object" ? (channels as Readonly<Record<string, unknown>>)[KICHI_CHANNEL_ID] : undefined;
  const parsed = KichiChannelConfigSchema.safeParse(section ?? {});
  return {
    accountId: accountId ?? KICHI_ACCOUNT_ID,
    enabled: parsed.success && parsed.data.enabled !== false,
    configured: true,
  };
}

/** An open account of the channel: its async context, and the agent runner of the plugin instance that runs it. */
interface OpenAccount {
  inAccount: <R>(fn: () => R) => R;
  runAgent: AgentTurnRunner;
}

/**
 * Where bot messages enter: open while the gateway runs the channel's account, closed when it stops it
 * (`channels.kichi.enabled: false`, `openclaw channels stop kichi`, shutdown, or a gateway started without
 * channels). A reply's agent turn runs with the runner of the plugin instance whose account the gateway
 * started, in that account's async context, as a message a channel's monitor receives does: the Kichi
 * socket that delivered it was opened during an earlier request (the `kichi_join` tool call), whose
 * context OpenClaw has retired by then and refuses new work from ("Gateway is draining; new tasks are not
 * accepted"). Several runs may overlap while the gateway restarts the account; the newest one is used.
 */
export class KichiBotInlet implements BotInlet {
  readonly #accounts: OpenAccount[] = [];

  get isOpen(): boolean {
    return this.#accounts.length > 0;
  }

  /** Runs a reply's agent turn through the running account; rejects when none runs. */
  async runTurn(turn: BotReplyTurn): Promise<BotReplyRunResult | undefined> {
    const account = this.#accounts[this.#accounts.length - 1];
    if (!account) throw new Error("the kichi channel is not running");
    return account.inAccount(() => account.runAgent(turn));
  }

  /** Holds the inlet open, in the caller's async context, until `signal` aborts; resolves then. */
  async holdOpen(signal: AbortSignal, runAgent: AgentTurnRunner): Promise<void> {
    if (signal.aborted) return;
    const account: OpenAccount = { inAccount: AsyncLocalStorage.snapshot(), runAgent };
    this.#accounts.push(account);
    try {
      await new Promise<void>((resolveClosed) => signal.addEventListener("abort", () => resolveClosed(), { once: true }));
    } finally {
      this.#accounts.splice(this.#accounts.indexOf(account), 1);
    }
  }
}

const SHARED_INLET = Symbol.for("clawbridge.kichi-forwarder.bot-inlet");

/**
 * The process's one inlet. OpenClaw registers a plugin more than once (tools, channels and services may
 * come from separate passes, each with its own `register` call), and the pass whose channel account runs
 * is not the one whose Kichi socket receives the message; so, like the agents' runtimes, the inlet is
 * kept on `globalThis`, where every pass finds it.
 */
export function sharedBotInlet(): KichiBotInlet {
  const holder = globalThis as unknown as Record<symbol, KichiBotInlet | undefined>;
  holder[SHARED_INLET] ??= new KichiBotInlet();
  return holder[SHARED_INLET];
}

/**
 * The `kichi` channel: bot messages from Kichi World enter agents through it. OpenClaw admits
 * `runtime.agent.runCommandFromIngress` only from the plugin that registered the channel named by the
 * turn's `messageChannel`, so registering this channel is what lets the automatic bot reply run in a
 * real gateway. Its one account is the inlet: while the gateway runs it, bot messages the agents'
 * Kichi runtimes receive are answered. The reply does not go out through the channel (there is no
 * outbound adapter): it is a `bot_message` frame one level deeper, sent by the agent's own runtime.
 */
export function createKichiChannelPlugin(inlet: KichiBotInlet, runAgent: AgentTurnRunner): ChannelPlugin<KichiChannelAccount> {
  return {
    id: KICHI_CHANNEL_ID,
    meta: {
      id: KICHI_CHANNEL_ID,
      label: "Kichi World",
      selectionLabel: "Kichi World (bot conversations)",
      docsPath: "/plugins/community",
      blurb: "Bots in a Kichi World room talk to each other: each bot message becomes a short agent turn.",
    },
    capabilities: { chatTypes: ["direct"] },
    reload: { configPrefixes: [`channels.${KICHI_CHANNEL_ID}`] },
    configSchema: { schema: toJsonSchema(KichiChannelConfigSchema) },
    config: {
      listAccountIds: () => [KICHI_ACCOUNT_ID],
      defaultAccountId: () => KICHI_ACCOUNT_ID,
      resolveAccount: (cfg, accountId) => resolveKichiChannelAccount(cfg, accountId),
      isEnabled: (account) => account.enabled,
      isConfigured: () => true,
      describeAccount: (account) => ({ accountId: account.accountId, enabled: account.enabled, configured: true }),
    },
    gateway: {
      startAccount: async (ctx) => {
        ctx.setStatus({ accountId: ctx.accountId, enabled: true, configured: true, running: true, connected: true, lifecycle: "ready" });
        try {
          await inlet.holdOpen(ctx.abortSignal, runAgent);
        } finally {
          ctx.setStatus({ accountId: ctx.accountId, running: false, connected: false, lifecycle: "stopped" });
        }
      },
    },
  };
}
