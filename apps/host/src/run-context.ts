import type { Cleanups } from "./cleanups.js";

/** What a run mode (LocalHost or the gateway) gets from `main`. */
export interface RunContext {
  /** Where each thing set up registers how to undo it. */
  cleanups: Cleanups;
  /** A progress or error line (stderr). */
  report: (line: string) => void;
  /** Secrets the run holds (the Oomi device token), scrubbed from a fatal error's log line. */
  secrets: string[];
  /** Something the run depends on ended by itself (the gateway process): stop everything, exit 1. */
  fail: (message: string) => void;
}
