import { describe, expect, it } from "vitest";
import { type ServerBinProcess, startServerBin } from "./server-bin.js";

function fakeProcess() {
  const written: string[] = [];
  const listeners = new Map<string, () => void>();
  const exits: number[] = [];
  const proc: ServerBinProcess = {
    stderr: { write: (text: string) => written.push(text) },
    once: (signal, listener) => listeners.set(signal, listener),
    exit: (code) => exits.push(code),
  };
  return { proc, written, listeners, exits };
}

const failing = (code: string | undefined, message: string) => async () => {
  throw Object.assign(new Error(message), code ? { code } : {});
};

describe("startServerBin", () => {
  it("says how out of a taken port, and exits 1", async () => {
    const { proc, written, listeners } = fakeProcess();
    expect(await startServerBin("kichi-world", 48870, failing("EADDRINUSE", "listen EADDRINUSE"), proc)).toBe(1);
    expect(written).toEqual(["port 48870 is in use; pass --port 0 for a free one\n"]);
    expect(listeners.size).toBe(0);
  });

  it("names the bin on any other start failure, and exits 1", async () => {
    const { proc, written } = fakeProcess();
    expect(await startServerBin("demo-model", 1, failing(undefined, "boom"), proc)).toBe(1);
    expect(written).toEqual(["demo-model: boom\n"]);
  });

  it("closes the running server on SIGINT or SIGTERM, then exits 0", async () => {
    for (const signal of ["SIGINT", "SIGTERM"]) {
      const { proc, listeners, exits } = fakeProcess();
      let closed = 0;
      const server = {
        close: async () => {
          closed += 1;
        },
      };
      expect(await startServerBin("x", 0, async () => server, proc)).toBe(server);
      listeners.get(signal)?.();
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(1);
      expect(exits).toEqual([0]);
    }
  });
});
