import { runCli } from "./program.js";

process.exitCode = 0;
await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stderr.isTTY),
  cliPath: process.argv[1] ?? "",
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
});
