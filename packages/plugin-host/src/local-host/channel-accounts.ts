import type { ChannelPlugin, OpenClawConfig } from "openclaw/plugin-sdk/channel-core";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { errorMessage } from "../tool-result.js";

/** What `openclaw channels status` would show for one account, as far as the local host tracks it. */
export interface ChannelAccountStatus {
  channelId: string;
  accountId: string;
  running: boolean;
  /** The latest `setStatus` patch the account's monitor reported, merged. */
  snapshot: Record<string, unknown>;
}

interface RunningAccount {
  status: ChannelAccountStatus;
  abort: AbortController;
  task: Promise<void>;
}

/**
 * The channel accounts of the loaded plugins, started and stopped as the gateway's channel manager
 * does it for the adapters our plugins use: every account `config.listAccountIds` names is resolved,
 * skipped when `config.isEnabled` (or its `enabled` field) says no or `config.isConfigured` says it is
 * not configured, and otherwise handed to `gateway.startAccount` with an abort signal that fires when
 * the host stops. A channel without `gateway.startAccount` has nothing to start.
 */
export class ChannelAccounts {
  readonly #running: RunningAccount[] = [];

  /** Starts the accounts of one channel; a failing monitor is logged and marked stopped. */
  async start(channel: ChannelPlugin, cfg: OpenClawConfig, logger: PluginLogger): Promise<void> {
    const startAccount = channel.gateway?.startAccount;
    if (!startAccount) return;
    for (const accountId of channel.config.listAccountIds(cfg)) {
      const account = channel.config.resolveAccount(cfg, accountId);
      const enabled = channel.config.isEnabled
        ? channel.config.isEnabled(account, cfg)
        : (account as { enabled?: unknown }).enabled !== false;
      if (!enabled) {
        logger.info(`channel ${channel.id} account ${accountId} is disabled; not started`);
        continue;
      }
      if (channel.config.isConfigured && !(await channel.config.isConfigured(account, cfg))) {
        logger.info(`channel ${channel.id} account ${accountId} is not configured; not started`);
        continue;
      }
      const status: ChannelAccountStatus = { channelId: channel.id, accountId, running: true, snapshot: { accountId } };
      const abort = new AbortController();
      const context = {
        cfg,
        accountId,
        account,
        abortSignal: abort.signal,
        log: logger,
        runtime: {
          log: (...args: unknown[]) => logger.info(args.map(String).join(" ")),
          error: (...args: unknown[]) => logger.warn(args.map(String).join(" ")),
          exit: (code: number) => {
            throw new Error(`channel ${channel.id} asked to exit with code ${code}`);
          },
        },
        getStatus: () => ({ ...status.snapshot, accountId }),
        setStatus: (next: Record<string, unknown>) => {
          status.snapshot = { ...status.snapshot, ...next };
        },
      };
      // The local host gives the context members our channels use; the gateway's runtime helpers
      // (`channelRuntime`, approvals, directory cache) are absent, as for a channel that needs none.
      const task = Promise.resolve()
        .then(() => startAccount(context as never))
        .then(
          () => undefined,
          (error: unknown) => logger.error(`channel ${channel.id} account ${accountId} failed: ${errorMessage(error)}`),
        )
        .finally(() => {
          status.running = false;
        });
      this.#running.push({ status, abort, task });
    }
  }

  statuses(): ChannelAccountStatus[] {
    return this.#running.map(({ status }) => ({ ...status, snapshot: { ...status.snapshot } }));
  }

  /** Aborts every account and waits for each monitor to wind down. */
  async stopAll(): Promise<void> {
    const running = this.#running.splice(0);
    for (const { abort } of running) abort.abort();
    await Promise.all(running.map(({ task }) => task));
  }
}
