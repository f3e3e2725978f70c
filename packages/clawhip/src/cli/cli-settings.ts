import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { ClawhipConfig } from "@clawbridge/contracts";
import { defaultConfig, loadConfigFile } from "../route/config-file.js";
import { CliError } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";

/** `--config` → `CLAWHIP_CONFIG` → `./clawhip.toml` when present → built-in defaults. */
export async function resolveConfig(io: CliIo, flag: string | undefined): Promise<{ config: ClawhipConfig; path: string | undefined }> {
  const given = flag ?? io.env.CLAWHIP_CONFIG;
  const path = given ? resolve(io.cwd, given) : existsSync(join(io.cwd, "clawhip.toml")) ? join(io.cwd, "clawhip.toml") : undefined;
  if (!path) return { config: defaultConfig(), path: undefined };
  const loaded = await loadConfigFile(path);
  if (!loaded.ok) throw new CliError("invalid_config", loaded.error);
  const config = loaded.config;
  const apiBase = io.env.CLAWHIP_DISCORD_API_BASE;
  if (apiBase) config.providers.discord = { ...(config.providers.discord ?? {}), api_base: apiBase };
  return { config, path };
}

/** The daemon base URL: `--url` → `CLAWHIP_DAEMON_URL` → `[daemon].base_url` → loopback on the configured port. */
export function daemonUrl(io: CliIo, flag: string | undefined, config: ClawhipConfig): string {
  const url = flag ?? io.env.CLAWHIP_DAEMON_URL ?? config.daemon.base_url ?? `http://127.0.0.1:${config.daemon.port}`;
  try {
    return new URL(url).toString().replace(/\/+$/, "");
  } catch {
    throw new CliError("invalid_url", `daemon URL is not a URL: ${url}`);
  }
}

/** Bearer token for the daemon: `CLAWHIP_TOKEN` → `[daemon].token`. */
export function daemonToken(io: CliIo, config: ClawhipConfig): string | undefined {
  return io.env.CLAWHIP_TOKEN || config.daemon.token;
}

/** Where the daemon keeps its spool: `--state-dir` → `CLAWHIP_STATE_DIR` → `[daemon].state_dir` → `~/.clawhip/state`. */
export function stateDir(io: CliIo, flag: string | undefined, config: ClawhipConfig): string {
  return resolve(io.cwd, flag ?? io.env.CLAWHIP_STATE_DIR ?? config.daemon.state_dir ?? join(homedir(), ".clawhip", "state"));
}

export function discordToken(io: CliIo): string | undefined {
  return io.env.CLAWHIP_DISCORD_BOT_TOKEN || io.env.DISCORD_TOKEN || undefined;
}
