import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { CommandModules, LoadCommand } from "./command-modules.js";
import { buildProgram, type ProgramIo, runCli } from "./program.js";

// The command modules from source, as the built bin loads them from dist/commands/.
const sources: { [Name in keyof CommandModules]: () => Promise<CommandModules[Name]> } = {
  scaffold: () => import("../commands/scaffold.js"),
  create: () => import("../commands/create.js"),
  "create-managed": () => import("../commands/create-managed.js"),
  "launch-managed": () => import("../commands/launch-managed.js"),
  "local-runtime": () => import("../commands/local-runtime.js"),
  "runtime-report": () => import("../commands/runtime-report.js"),
  "persona-jobs": () => import("../commands/persona-jobs.js"),
  openclaw: () => import("../commands/openclaw.js"),
  standalone: () => import("../bridge/standalone.js"),
};
const loadCommand: LoadCommand = (name) => sources[name]();

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

function capture(): { io: ProgramIo; run: Run } {
  const run: Run = { stdout: "", stderr: "", exitCode: undefined };
  const io: ProgramIo = {
    env: {},
    cwd: "/nowhere",
    isTTY: false,
    cliPath: "oomi",
    stdout: (text) => {
      run.stdout += text;
    },
    stderr: (text) => {
      run.stderr += text;
    },
    setExitCode: (code) => {
      run.exitCode = code;
    },
    loadCommand,
  };
  return { io, run };
}

async function runBoth(argv: string[]): Promise<{ lazy: Run; complete: Run }> {
  const lazy = capture();
  await runCli(argv, lazy.io);
  const complete = capture();
  await runCli(argv, complete.io, { complete: true });
  return { lazy: lazy.run, complete: complete.run };
}

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe("the lazily built program", () => {
  const every = commandPaths(buildProgram(capture().io));

  it("knows every command of the reference", () => {
    const names = every.map((path) => path.join(" "));
    for (const name of [
      "personas scaffold",
      "personas create-managed",
      "personas launch-managed",
      "personas status",
      "personas heartbeat",
      "persona-jobs execute",
      "openclaw pair",
      "openclaw bridge start",
    ]) {
      expect(names).toContain(name);
    }
    expect(every.length).toBeGreaterThan(20);
  });

  it("prints the same help as the complete program, for the top level and every command", async () => {
    for (const argv of [["--help"], ...every.map((path) => [...path, "--help"])]) {
      const { lazy, complete } = await runBoth(argv);
      expect(lazy.stdout, argv.join(" ")).not.toBe("");
      expect(lazy, argv.join(" ")).toEqual(complete);
    }
  });

  it("gives the same help and usage errors through `help`, unknown names and bad arguments", async () => {
    const cases = [
      ["help"],
      ["help", "personas"],
      ["help", "openclaw"],
      ["personas", "help", "status"],
      ["openclaw", "bridge", "help", "start"],
      ["nope"],
      ["personas"],
      ["personas", "sttus"],
      ["personas", "sttus", "--json"],
      ["personas", "status"],
      ["personas", "status", "a-slug", "--bogus"],
      ["persona-jobs", "succed", "job-1"],
      ["openclaw", "bridge", "nope", "--json"],
      ["--version"],
    ];
    for (const argv of cases) {
      const { lazy, complete } = await runBoth(argv);
      expect(lazy.stdout + lazy.stderr, argv.join(" ")).not.toBe("");
      expect(lazy, argv.join(" ")).toEqual(complete);
    }
  });

  it("reports an unknown subcommand with a suggestion and exit 2", async () => {
    const { lazy } = await runBoth(["personas", "sttus"]);
    expect(lazy.exitCode).toBe(2);
    expect(lazy.stderr).toContain("(Did you mean status?)");
  });
});
