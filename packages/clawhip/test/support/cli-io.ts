import type { CliIo } from "../../src/cli/cli-io.js";
import { CLI } from "./daemon-process.js";

export type RecordingIo = CliIo & { out: string[]; err: string[] };

/** A CLI io that records stdout/stderr and feeds stdin from a string. */
export function recordingIo(overrides: Partial<CliIo> & { stdin?: string } = {}): RecordingIo {
  const out: string[] = [];
  const err: string[] = [];
  const { stdin = "", ...rest } = overrides;
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => stdin,
    env: {},
    cwd: process.cwd(),
    fetch: fetch as never,
    clawhipCommand: [process.execPath, CLI],
    untilStopped: () => new Promise(() => {}),
    ...rest,
  };
}
