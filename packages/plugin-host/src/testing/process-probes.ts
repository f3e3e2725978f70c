import { readFileSync } from "node:fs";

/** What a bad-input suite checks of the process under attack: its prototype and its memory. */

/** The own names of `Object.prototype`, sorted: a suite compares them before and after its storm. */
export function prototypeNames(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

/**
 * The resident set of a process in bytes: this one by default, another by pid (read from Linux's
 * `/proc/<pid>/status`, for a server run as a child process).
 */
export function residentBytes(pid: number = process.pid): number {
  if (pid === process.pid) return process.memoryUsage().rss;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for pid ${pid} (has it exited?)`);
  return Number(kib) * 1024;
}
