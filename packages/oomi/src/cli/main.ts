import type { LoadCommand } from "./command-modules.js";
import { runCli } from "./program.js";
import { openCliOutput } from "./stdio.js";

/**
 * Runs `oomi` on this process's argv and stdio. bin/oomi.cjs calls it with the loader of the built
 * command modules (dist/commands/<name>.js).
 */
export function main(loadCommand: LoadCommand): void {
  // A reader that stops early (`oomi --help | head`) is not an error worth a stack trace.
  const readerGone = () => process.exit(process.exitCode ?? 0);
  const stdout = openCliOutput(1, () => process.stdout, readerGone);
  const stderr = openCliOutput(2, () => process.stderr, readerGone);
  process.exitCode = 0;
  // The shell is built as CommonJS (no top-level await); runCli settles every failure itself.
  void runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    isTTY: stderr.isTTY,
    stdoutColumns: stdout.columns,
    stderrColumns: stderr.columns,
    cliPath: process.argv[1] ?? "",
    stdout: stdout.write,
    stderr: stderr.write,
    setExitCode: (code) => {
      process.exitCode = code;
    },
    loadCommand,
  });
}
