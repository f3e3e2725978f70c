import { readFileSync } from "node:fs";
import {
  OOMI_CHANNEL_ID,
  type OomiBridgeState,
  OomiBridgeStateSchema,
  type OomiChannelAccountConfig,
  OomiChannelAccountConfigSchema,
  OomiChannelConfigSchema,
} from "@clawbridge/contracts";
import { bridgeStatePath, type Env } from "../paths.js";

export const DEFAULT_ACCOUNT_ID = "default";

/** One `channels.oomi.accounts.<id>`, resolved: config first, then the paired device for what it leaves out. */
export interface ResolvedOomiAccount extends OomiChannelAccountConfig {
  accountId: string;
  /** A backend URL and a device token are known. */
  configured: boolean;
  /** Where the device token came from (never the token itself). */
  tokenSource: "config" | "paired" | "none";
  /** Why the account cannot run, when it cannot (bad config, nothing paired). */
  problem: string | null;
}

/** Reads the paired device (`oomi openclaw pair`); missing or unreadable is null (the account then says what is missing). */
export function readPairedDevice(env: Env): OomiBridgeState | null {
  try {
    const parsed = OomiBridgeStateSchema.safeParse(JSON.parse(readFileSync(bridgeStatePath(env), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type ConfigLike = { channels?: unknown };

function channelSection(cfg: ConfigLike): unknown {
  const channels = cfg.channels;
  return channels && typeof channels === "object" ? (channels as Record<string, unknown>)[OOMI_CHANNEL_ID] : undefined;
}

/** The parsed `channels.oomi` section, or the reason it does not parse (the gateway validates it too, from the manifest). */
export function parseChannelSection(cfg: ConfigLike) {
  const parsed = OomiChannelConfigSchema.safeParse(channelSection(cfg) ?? {});
  if (parsed.success) return { ok: true as const, config: parsed.data };
  const issue = parsed.error.issues[0];
  const message =
    issue?.code === "invalid_key" ? "not a usable account id (letters, digits, . _ -, not a reserved name)" : (issue?.message ?? "invalid");
  return { ok: false as const, problem: `channels.oomi.${issue?.path.join(".") ?? ""}: ${message}` };
}

/** Configured account ids; with none configured, a paired device is the `default` account. */
export function listOomiAccountIds(cfg: ConfigLike, paired: OomiBridgeState | null): string[] {
  const section = parseChannelSection(cfg);
  const ids = section.ok ? Object.keys(section.config.accounts) : [];
  if (ids.length === 0 && (paired || channelSection(cfg) !== undefined)) return [DEFAULT_ACCOUNT_ID];
  return ids;
}

export function defaultOomiAccountId(cfg: ConfigLike, paired: OomiBridgeState | null): string {
  const section = parseChannelSection(cfg);
  return (section.ok ? section.config.defaultAccountId : undefined) ?? listOomiAccountIds(cfg, paired)[0] ?? DEFAULT_ACCOUNT_ID;
}

/** Resolves one account (pure: the paired device is passed in). An unknown id resolves to an unconfigured account. */
export function resolveOomiAccount(
  cfg: ConfigLike,
  accountId: string | null | undefined,
  paired: OomiBridgeState | null,
): ResolvedOomiAccount {
  const id = accountId || defaultOomiAccountId(cfg, paired);
  const section = parseChannelSection(cfg);
  const configured = section.ok ? new Map(Object.entries(section.config.accounts)).get(id) : undefined;
  const account = configured ?? OomiChannelAccountConfigSchema.parse({});
  const backendUrl = (account.backendUrl ?? paired?.brokerHttp)?.replace(/\/+$/, "");
  const deviceToken = account.deviceToken ?? paired?.deviceToken;
  const brokerWsUrl = account.brokerWsUrl ?? (account.backendUrl ? undefined : paired?.brokerWs);
  const enabled = account.enabled && (!section.ok || section.config.enabled !== false);
  const problem = !section.ok
    ? section.problem
    : !backendUrl || !deviceToken
      ? `channels.oomi.accounts.${id}: no ${backendUrl ? "deviceToken" : "backendUrl"}; set it, or pair with \`oomi openclaw pair\``
      : null;
  return {
    ...account,
    accountId: id,
    enabled,
    ...(backendUrl ? { backendUrl } : {}),
    ...(deviceToken ? { deviceToken } : {}),
    ...(brokerWsUrl ? { brokerWsUrl } : {}),
    configured: problem === null,
    tokenSource: account.deviceToken ? "config" : paired?.deviceToken ? "paired" : "none",
    problem,
  };
}
