import { type RomeAppLogLine, type RomeLogLevel, RomeLogLevelSchema } from "@clawbridge/contracts";
import { findUncrossable } from "../invocation/crossable.js";

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}
export type AppLogger = Logger;

export interface AppLoggerOptions {
  /** The lowest level written; by default `LOG_LEVEL` from the environment, else `info`. */
  level?: RomeLogLevel;
  /** Where a finished line goes; by default stdout for debug/info and stderr for warn/error. */
  write?: (level: RomeLogLevel, line: string) => void;
  now?: () => Date;
}

const RANK: Record<RomeLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function levelFromEnvironment(): RomeLogLevel {
  const parsed = RomeLogLevelSchema.safeParse(process.env.LOG_LEVEL?.toLowerCase());
  return parsed.success ? parsed.data : "info";
}

function writeToConsole(level: RomeLogLevel, line: string): void {
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * A logger for one component that writes one JSON object per line (`RomeAppLogLine`). Logging never
 * throws: data that is not plain data (a cycle, a BigInt, a class instance) is replaced by the reason.
 */
export function createAppLogger(component: string, options: AppLoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? levelFromEnvironment()];
  const write = options.write ?? writeToConsole;
  const now = options.now ?? (() => new Date());

  const log = (level: RomeLogLevel, message: string, data?: Record<string, unknown>) => {
    if (RANK[level] < threshold) return;
    const line: RomeAppLogLine = { timestamp: now().toISOString(), level, component, message: String(message) };
    if (data !== undefined) {
      const reason = findUncrossable(data, "data");
      line.data = reason ? { unloggable: reason } : data;
    }
    write(level, JSON.stringify(line));
  };
  return {
    debug: (message, data) => log("debug", message, data),
    info: (message, data) => log("info", message, data),
    warn: (message, data) => log("warn", message, data),
    error: (message, data) => log("error", message, data),
  };
}
