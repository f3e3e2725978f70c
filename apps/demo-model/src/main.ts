#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startServerBin } from "@clawbridge/plugin-host";
import { DEMO_MODEL_NOTICE } from "./demo-model.js";
import { DEFAULT_TOKEN_DELAY_MS } from "./plan.js";
import { startDemoModel } from "./server.js";

const USAGE = `usage: clawbridge-demo-model [--port N] [--token-delay-ms N]
  --port            port on 127.0.0.1 (default 48871; 0 picks a free one)
  --token-delay-ms  pause before each streamed token (default ${DEFAULT_TOKEN_DELAY_MS})

${DEMO_MODEL_NOTICE}`;

function integerFlag(name: string, raw: string | undefined, fallback: number, max: number): number | string {
  const value = Number(raw ?? fallback);
  return Number.isInteger(value) && value >= 0 && value <= max ? value : `--${name} must be an integer from 0 to ${max}`;
}

async function main(): Promise<number> {
  let values: { port?: string; "token-delay-ms"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: "string" }, "token-delay-ms": { type: "string" }, help: { type: "boolean" } } }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = integerFlag("port", values.port, 48871, 65535);
  const tokenDelayMs = integerFlag("token-delay-ms", values["token-delay-ms"], DEFAULT_TOKEN_DELAY_MS, 10_000);
  for (const value of [port, tokenDelayMs]) {
    if (typeof value === "string") {
      process.stderr.write(`${value}\n${USAGE}\n`);
      return 2;
    }
  }
  const running = await startServerBin("demo-model", port as number, () =>
    startDemoModel({
      port: port as number,
      tokenDelayMs: tokenDelayMs as number,
      log: (line) => process.stderr.write(`demo-model: ${line}\n`),
    }),
  );
  if (typeof running === "number") return running;
  process.stdout.write(`clawbridge demo model (not an AI) "${running.modelId}" listening on ${running.baseUrl}\n`);
  return -1;
}

main().then((code) => {
  if (code >= 0) process.exit(code);
});
