import type { FetchLike } from "../backend/client.js";
import type { ConnectionFlags } from "../backend/connection.js";
import type { Env } from "../paths.js";

/** What every command gets from the shell: environment, working directory, progress output, and injectable edges. */
export interface CommandContext {
  env: Env;
  cwd: string;
  /** Progress lines for long steps (stderr on a TTY, silent otherwise). */
  progress: (line: string) => void;
  fetch?: FetchLike;
  healthTimeoutMs?: number;
}

export interface JsonFlag {
  json?: boolean;
}

export type BackendFlags = ConnectionFlags & JsonFlag;

/** Every command result: an object whose `ok` decides the exit code. */
export type CommandResult = { ok: boolean } & Record<string, unknown>;
