import { join } from "node:path";
import { parseArgs } from "node:util";
import { startOomiBackend } from "./server.js";

const USAGE = `Usage: oomi-backend [--port N] [--data FILE] [--device-id ID --device-token TOKEN]

Serves the local Oomi backend on 127.0.0.1. Devices pair through /api/gateway/managed/pair/start
and /v1/pair/claim, or are given here. Environment: OOMI_BACKEND_PORT, OOMI_BACKEND_DATA.`;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        data: { type: "string" },
        "device-id": { type: "string" },
        "device-token": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port ?? process.env.OOMI_BACKEND_PORT ?? 3457);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port: not a port number: ${values.port}\n`);
    return 2;
  }
  const deviceId = values["device-id"] as string | undefined;
  const deviceToken = values["device-token"] as string | undefined;
  if (Boolean(deviceId) !== Boolean(deviceToken)) {
    process.stderr.write("--device-id and --device-token go together\n");
    return 2;
  }
  const backend = await startOomiBackend({
    dataFile: (values.data as string | undefined) ?? process.env.OOMI_BACKEND_DATA ?? join(process.cwd(), ".state/oomi-backend.json"),
    port,
    devices: deviceId && deviceToken ? [{ deviceId, deviceToken }] : [],
    log: (line) => process.stderr.write(`oomi-backend: ${line}\n`),
  });
  process.stdout.write(`oomi-backend listening on ${backend.url}\n`);
  const shutdown = () => void backend.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    process.stderr.write(`oomi-backend: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
