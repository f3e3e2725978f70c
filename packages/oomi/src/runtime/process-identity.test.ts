import { describe, expect, it } from "vitest";
import { identifyBridgeProcess, identifyDevServer, identifySpawnedChild, type ProcessVerdict } from "./process-identity.js";
import type { ProcessInspector } from "./process-inspector.js";

const WORKSPACE = "/w/personas/tokyo-guide";

/** One fake process, as the system would describe it. */
function inspectorOf(process: {
  pid: number;
  token?: string | null;
  group?: number;
  commandLine?: string | null;
  cwd?: string | null;
}): ProcessInspector {
  const is = (pid: number) => pid === process.pid;
  return {
    isAlive: is,
    startToken: (pid) => (is(pid) ? (process.token ?? null) : null),
    processGroup: (pid) => (is(pid) ? (process.group ?? pid) : null),
    commandLine: (pid) => (is(pid) ? (process.commandLine ?? null) : null),
    workingDirectory: (pid) => (is(pid) ? (process.cwd ?? null) : null),
  };
}

const kindOf = (verdict: ProcessVerdict) => verdict.kind;

describe("identifyDevServer", () => {
  const record = { pid: 4242, processStartToken: "linux:boot:1000", localPort: 4789 };

  it("item 5: the recorded start token must match; a reused pid is not ours and the reason says so", () => {
    expect(identifyDevServer(record, WORKSPACE, inspectorOf({ pid: 4242, token: "linux:boot:1000" }))).toMatchObject({
      kind: "ours",
      process: { pid: 4242, leadsGroup: true },
    });
    const reused = identifyDevServer(record, WORKSPACE, inspectorOf({ pid: 4242, token: "linux:boot:9999", cwd: WORKSPACE }));
    expect(reused).toMatchObject({ kind: "not-ours", pid: 4242, reason: expect.stringContaining("pid was reused") });
    expect(kindOf(identifyDevServer(record, WORKSPACE, inspectorOf({ pid: 1 })))).toBe("gone");
    expect(kindOf(identifyDevServer({ ...record, pid: null }, WORKSPACE, inspectorOf({ pid: 4242 })))).toBe("gone");
    expect(kindOf(identifyDevServer(record, WORKSPACE, inspectorOf({ pid: 4242, token: null })))).toBe("unverifiable");
  });

  it("item 5: only a process that leads its own group gets its group signalled", () => {
    const verdict = identifyDevServer(record, WORKSPACE, inspectorOf({ pid: 4242, token: "linux:boot:1000", group: 77 }));
    expect(verdict).toMatchObject({ kind: "ours", process: { pid: 4242, leadsGroup: false } });
  });

  it("item 5: pid 0 or 1 is never ours, even when everything about it matches", () => {
    for (const pid of [0, 1]) {
      const verdict = identifyDevServer(
        { ...record, pid },
        WORKSPACE,
        inspectorOf({ pid, token: record.processStartToken, cwd: WORKSPACE }),
      );
      expect(verdict.kind).toBe("not-ours");
    }
  });

  it("item 5: a runtime.json without a token is trusted only for a process in this workspace naming its port", () => {
    const legacy = { pid: 4242, localPort: 4789 };
    const npmTitle = "npm run dev --host 0.0.0.0 --port 4789 --strictPort";
    expect(kindOf(identifyDevServer(legacy, WORKSPACE, inspectorOf({ pid: 4242, cwd: WORKSPACE, commandLine: npmTitle })))).toBe("ours");
    const vite = `/usr/bin/node ${WORKSPACE}/node_modules/vite/bin/vite.js --host 0.0.0.0 --port 4789 --strictPort`;
    expect(kindOf(identifyDevServer(legacy, WORKSPACE, inspectorOf({ pid: 4242, cwd: WORKSPACE, commandLine: vite })))).toBe("ours");

    const elsewhere = identifyDevServer(legacy, WORKSPACE, inspectorOf({ pid: 4242, cwd: "/home/me", commandLine: npmTitle }));
    expect(elsewhere).toMatchObject({ kind: "not-ours", reason: expect.stringContaining("does not run in this workspace") });
    const secret = "sleep 300 --token=hunter2";
    const otherPort = identifyDevServer(legacy, WORKSPACE, inspectorOf({ pid: 4242, cwd: WORKSPACE, commandLine: secret }));
    expect(otherPort).toMatchObject({ kind: "not-ours", reason: expect.stringContaining("port 4789") });
    expect(JSON.stringify(otherPort)).not.toContain("hunter2");
    const portPrefix = identifyDevServer(legacy, WORKSPACE, inspectorOf({ pid: 4242, cwd: WORKSPACE, commandLine: "x --port 47890" }));
    expect(portPrefix.kind).toBe("not-ours");

    const hidden = identifyDevServer(legacy, WORKSPACE, inspectorOf({ pid: 4242, cwd: null, commandLine: npmTitle }));
    expect(hidden).toMatchObject({ kind: "unverifiable", reason: expect.stringContaining("predates start-time tokens") });
  });
});

describe("identifyBridgeProcess", () => {
  it("item 5: the bridge pid file is trusted only for `oomi openclaw bridge run`", () => {
    const bridge = "/usr/bin/node /opt/oomi/dist/cli.cjs openclaw bridge run --poll-interval-ms 200";
    expect(kindOf(identifyBridgeProcess(50, inspectorOf({ pid: 50, commandLine: bridge })))).toBe("ours");
    expect(identifyBridgeProcess(50, inspectorOf({ pid: 50, commandLine: "sleep 300" }))).toMatchObject({
      kind: "not-ours",
      reason: expect.stringContaining("stale"),
    });
    expect(kindOf(identifyBridgeProcess(50, inspectorOf({ pid: 51 })))).toBe("gone");
    expect(kindOf(identifyBridgeProcess(1, inspectorOf({ pid: 1, commandLine: bridge })))).toBe("not-ours");
    expect(kindOf(identifyBridgeProcess(50, inspectorOf({ pid: 50, commandLine: null })))).toBe("unverifiable");
  });
});

describe("identifySpawnedChild", () => {
  it("item 5: our own child is ours until its exit is seen", () => {
    expect(identifySpawnedChild({ pid: 300, exitCode: null, signalCode: null })).toMatchObject({ kind: "ours", process: { pid: 300 } });
    expect(kindOf(identifySpawnedChild({ pid: 300, exitCode: 0, signalCode: null }))).toBe("gone");
    expect(kindOf(identifySpawnedChild({ pid: 300, exitCode: null, signalCode: "SIGTERM" }))).toBe("gone");
    expect(kindOf(identifySpawnedChild({ pid: undefined, exitCode: null, signalCode: null }))).toBe("gone");
  });
});
