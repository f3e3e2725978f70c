#!/usr/bin/env node
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startServerBin } from "@clawbridge/plugin-host";
import { startKichiWorld } from "./server.js";

const USAGE = `usage: kichi-world [--port N] [--state FILE]
  --port   port on 127.0.0.1 (default 48870; 0 picks a free one)
  --state  identities file kept across restarts (default ~/.clawbridge/kichi-world/identities.json)`;

async function main(): Promise<number> {
  let values: { port?: string; state?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: "string" }, state: { type: "string" }, help: { type: "boolean" } } }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port ?? 48870);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer from 0 to 65535\n${USAGE}\n`);
    return 2;
  }
  const identitiesFile = values.state ?? join(homedir(), ".clawbridge", "kichi-world", "identities.json");
  const running = await startServerBin("kichi-world", port, () =>
    startKichiWorld({ port, identitiesFile, log: (line) => process.stderr.write(`kichi-world: ${line}\n`) }),
  );
  if (typeof running === "number") return running;
  process.stdout.write(`kichi-world listening on ${running.url} (websocket ${running.wsUrl})\n`);
  return -1;
}

main().then((code) => {
  if (code >= 0) process.exit(code);
});
