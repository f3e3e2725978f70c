import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProcStat, procInspector, psInspector } from "./process-inspector.js";

// 52 fields as the kernel writes them; field 5 (group) is 4100 and field 22 (start time) 88123.
const statLine = (comm: string) =>
  `4242 (${comm}) S 1 4100 4100 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 88123 1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;

describe("process inspectors", () => {
  it("parseProcStat counts fields after the last ')' of a command name with spaces and parentheses", () => {
    expect(parseProcStat(statLine("node"))).toEqual({ processGroup: 4100, startTime: "88123" });
    expect(parseProcStat(statLine("a) S 9 9 (b"))).toEqual({ processGroup: 4100, startTime: "88123" });
    expect(parseProcStat("garbage")).toBeNull();
    expect(parseProcStat("1 (x) S 1")).toBeNull();
  });

  it("procInspector reads a /proc tree: boot id + start time, group, command line, working directory", async () => {
    const proc = await mkdtemp(join(tmpdir(), "oomi-proc-"));
    await mkdir(join(proc, "4242"));
    await mkdir(join(proc, "sys", "kernel", "random"), { recursive: true });
    await writeFile(join(proc, "sys", "kernel", "random", "boot_id"), "b00t\n");
    await writeFile(join(proc, "4242", "stat"), statLine("npm run dev"));
    await writeFile(join(proc, "4242", "cmdline"), "npm run dev --port 4789\0\0\0");
    await symlink("/w/personas/x", join(proc, "4242", "cwd"));
    const inspector = procInspector(proc);
    expect(inspector.startToken(4242)).toBe("linux:b00t:88123");
    expect(inspector.processGroup(4242)).toBe(4100);
    expect(inspector.commandLine(4242)).toBe("npm run dev --port 4789");
    expect(inspector.workingDirectory(4242)).toBe("/w/personas/x");
    expect(inspector.startToken(4243)).toBeNull();
    expect(inspector.commandLine(4243)).toBeNull();
    expect(inspector.workingDirectory(4243)).toBeNull();
  });

  it.runIf(process.platform === "linux")("procInspector on this process: a stable token and its real group", () => {
    const inspector = procInspector();
    const token = inspector.startToken(process.pid);
    expect(token).toMatch(/^linux:[0-9a-f-]+:\d+$/);
    expect(inspector.startToken(process.pid)).toBe(token);
    expect(inspector.workingDirectory(process.pid)).toBe(process.cwd());
  });

  it("psInspector reads group and lstart in the C locale, and no working directory", () => {
    const calls: string[][] = [];
    const inspector = psInspector((args) => {
      calls.push(args);
      if (args.includes("args=")) return "node server.mjs --port 4789\n";
      return args.at(-1) === "4242" ? " 4100 Mon Nov 21 00:00:00 2026\n" : null;
    });
    expect(inspector.startToken(4242)).toBe("ps:Mon Nov 21 00:00:00 2026");
    expect(inspector.processGroup(4242)).toBe(4100);
    expect(inspector.commandLine(4242)).toBe("node server.mjs --port 4789");
    expect(inspector.workingDirectory(4242)).toBeNull();
    expect(inspector.startToken(4243)).toBeNull();
    expect(calls[0]).toEqual(["-o", "pgid=", "-o", "lstart=", "-p", "4242"]);
  });
});
