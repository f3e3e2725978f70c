#!/usr/bin/env node
import { processIo } from "./cli-io.js";
import { runCli } from "./program.js";

runCli(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`clawhip: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
