import type { ChildProcess } from "node:child_process";
import { OomiError } from "../errors.js";
import type { ProcessInspector } from "./process-inspector.js";

declare const verified: unique symbol;

/**
 * A process this CLI may signal. Only the identify functions below make one, after checking that
 * the pid is the process we started: a pid named in a file is just a number, and after its process
 * exits the system may give it to anything else.
 */
export interface VerifiedProcess {
  readonly pid: number;
  /** It leads its own process group (we start it detached), so the whole group may be signalled. */
  readonly leadsGroup: boolean;
  readonly [verified]: true;
}

export type ProcessVerdict =
  /** No live process has the pid: nothing to signal. */
  | { kind: "gone" }
  | { kind: "ours"; process: VerifiedProcess }
  /** A live process that is not ours: it must be left alone, and ours is no longer running. */
  | { kind: "not-ours"; pid: number; reason: string }
  /** A live process this system cannot tell apart from ours: refuse, and say what to do. */
  | { kind: "unverifiable"; pid: number; reason: string };

function ours(pid: number, inspector: ProcessInspector): ProcessVerdict {
  const process = { pid, leadsGroup: inspector.processGroup(pid) === pid } as VerifiedProcess;
  return { kind: "ours", process };
}

/** Refuses to go on when runtime.json names a live process that cannot be told apart from ours. */
export function assertVerifiable(verdict: ProcessVerdict): void {
  if (verdict.kind !== "unverifiable") return;
  throw new OomiError(
    "PROCESS_UNVERIFIED",
    `${verdict.reason}, so it was not signalled. If it is this persona's dev server, stop it yourself (kill ${verdict.pid}); then remove .oomi/runtime.json and run the command again.`,
  );
}

/**
 * A child this process spawned detached, until its exit is seen: node reaps a child and records its
 * exit in the same step, so before that its pid cannot have gone to another process; it leads its group.
 */
export function identifySpawnedChild(child: Pick<ChildProcess, "pid" | "exitCode" | "signalCode">): ProcessVerdict {
  const { pid } = child;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return { kind: "gone" };
  if (pid <= 1) return { kind: "not-ours", pid, reason: `pid ${pid} is never a persona dev server` };
  return { kind: "ours", process: { pid, leadsGroup: true } as VerifiedProcess };
}

/** What `.oomi/runtime.json` says about the dev server. */
export interface DevServerRecord {
  pid: number | null;
  processStartToken?: string | undefined;
  localPort: number;
}

/**
 * Is `record.pid` still the dev server launch-managed started in this workspace? With a start token
 * (recorded at launch) the answer is exact. A runtime.json written before tokens existed is trusted
 * only for a process that works in this workspace and whose command line names the recorded port
 * (both `vite … --port N` and npm's `npm run dev … --port N` title do); where the system does not
 * show a process's working directory, such a file is unverifiable. Never signal pid 0 or 1.
 */
export function identifyDevServer(record: DevServerRecord, workspaceRealPath: string, inspector: ProcessInspector): ProcessVerdict {
  const { pid } = record;
  if (pid === null) return { kind: "gone" };
  if (pid <= 1) return { kind: "not-ours", pid, reason: `pid ${pid} is never a persona dev server` };
  if (!inspector.isAlive(pid)) return { kind: "gone" };
  if (record.processStartToken) {
    const token = inspector.startToken(pid);
    if (token === null) {
      return inspector.isAlive(pid)
        ? { kind: "unverifiable", pid, reason: `this system does not say when pid ${pid} started` }
        : { kind: "gone" };
    }
    if (token !== record.processStartToken) {
      return {
        kind: "not-ours",
        pid,
        reason: `pid ${pid} now belongs to a process that started later than the dev server launch-managed recorded (the pid was reused; the dev server has exited)`,
      };
    }
    return ours(pid, inspector);
  }
  const cwd = inspector.workingDirectory(pid);
  const commandLine = inspector.commandLine(pid);
  if (cwd === null || commandLine === null) {
    return {
      kind: "unverifiable",
      pid,
      reason: `.oomi/runtime.json predates start-time tokens and this system does not show where pid ${pid} runs`,
    };
  }
  if (cwd !== workspaceRealPath) return { kind: "not-ours", pid, reason: `pid ${pid} does not run in this workspace` };
  // The command line itself is not echoed: it is some other process's and may hold a secret.
  if (!` ${commandLine} `.includes(` --port ${record.localPort} `)) {
    return { kind: "not-ours", pid, reason: `pid ${pid} runs in this workspace but is not its dev server on port ${record.localPort}` };
  }
  return ours(pid, inspector);
}

/** Is `pid` (from the bridge's pid file) the standalone bridge, `oomi openclaw bridge run`? */
export function identifyBridgeProcess(pid: number, inspector: ProcessInspector): ProcessVerdict {
  if (pid <= 1) return { kind: "not-ours", pid, reason: `pid ${pid} is never the bridge` };
  if (!inspector.isAlive(pid)) return { kind: "gone" };
  const commandLine = inspector.commandLine(pid);
  if (commandLine === null) {
    return inspector.isAlive(pid)
      ? { kind: "unverifiable", pid, reason: `this system does not show the command line of pid ${pid}` }
      : { kind: "gone" };
  }
  if (!` ${commandLine} `.includes(" openclaw bridge run ")) {
    return { kind: "not-ours", pid, reason: `pid ${pid} is not \`oomi openclaw bridge run\` (the pid file is stale)` };
  }
  return ours(pid, inspector);
}
