import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { isProcessAlive } from "./process-group.js";

/**
 * What this machine says about a process. Every answer is null when the process is gone or the
 * system will not say. The checks in process-identity.ts take it injected, so they are tested
 * without real processes.
 */
export interface ProcessInspector {
  isAlive(pid: number): boolean;
  /** Differs for two processes that held the same pid: Linux `linux:<boot id>:<start time in clock ticks>`, elsewhere `ps:<lstart>`. */
  startToken(pid: number): string | null;
  processGroup(pid: number): number | null;
  /** The command line as the process shows it, arguments joined by spaces (npm rewrites its own into one title string). */
  commandLine(pid: number): string | null;
  /** The real path of its working directory; null where the system does not expose it (no /proc). */
  workingDirectory(pid: number): string | null;
}

/**
 * Fields 5 (process group) and 22 (start time) of /proc/<pid>/stat. Field 2, the command name, may
 * itself hold spaces and parentheses, so fields are counted after its last ")".
 */
export function parseProcStat(text: string): { processGroup: number; startTime: string } | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const processGroup = Number(fields[2]);
  const startTime = fields[19] ?? "";
  if (!Number.isInteger(processGroup) || !/^\d+$/.test(startTime)) return null;
  return { processGroup, startTime };
}

/** Linux: /proc. The start time is counted from boot, so the boot id makes it unique across reboots. */
export function procInspector(proc = "/proc"): ProcessInspector {
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  };
  const stat = (pid: number) => {
    const text = read(`${proc}/${pid}/stat`);
    return text === null ? null : parseProcStat(text);
  };
  return {
    isAlive: isProcessAlive,
    startToken(pid) {
      const bootId = read(`${proc}/sys/kernel/random/boot_id`)?.trim();
      const startTime = stat(pid)?.startTime;
      return bootId && startTime ? `linux:${bootId}:${startTime}` : null;
    },
    processGroup: (pid) => stat(pid)?.processGroup ?? null,
    commandLine(pid) {
      const text = read(`${proc}/${pid}/cmdline`);
      const line = text?.split("\0").filter(Boolean).join(" ");
      return line || null;
    },
    workingDirectory(pid) {
      try {
        return readlinkSync(`${proc}/${pid}/cwd`);
      } catch {
        return null;
      }
    },
  };
}

export type RunPs = (args: string[]) => string | null;

const runPs: RunPs = (args) => {
  try {
    // LC_ALL=C: lstart must read the same whichever locale launched and whichever stops.
    return execFileSync("ps", args, { encoding: "utf8", env: { ...process.env, LC_ALL: "C" }, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  }
};

/** Elsewhere (macOS): `ps`, which knows start time, group and command line but not the working directory. */
export function psInspector(ps: RunPs = runPs): ProcessInspector {
  const row = (pid: number) => {
    const match = /^\s*(\d+)\s+(\S.*?)\s*$/.exec(ps(["-o", "pgid=", "-o", "lstart=", "-p", String(pid)]) ?? "");
    return match ? { processGroup: Number(match[1]), started: match[2] as string } : null;
  };
  return {
    isAlive: isProcessAlive,
    startToken: (pid) => {
      const started = row(pid)?.started;
      return started ? `ps:${started}` : null;
    },
    processGroup: (pid) => row(pid)?.processGroup ?? null,
    commandLine: (pid) => ps(["-o", "args=", "-p", String(pid)])?.trim() || null,
    workingDirectory: () => null,
  };
}

export function systemProcessInspector(): ProcessInspector {
  return process.platform === "linux" ? procInspector() : psInspector();
}
