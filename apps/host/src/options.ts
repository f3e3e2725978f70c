import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { HostConfigSchema } from "@clawbridge/contracts";
import { z } from "zod";

const PORT_MESSAGE = "--port: a whole number from 0 to 65535 (0 picks a free port)";

const HostCliSchema = z.object({
  bind: z.string().refine((v) => v === "127.0.0.1" || v === "localhost" || v === "::1", "--bind: only loopback addresses are served"),
  port: z.preprocess(
    (value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value),
    z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE),
  ),
  stateDir: z.string().min(1, "--state-dir: must not be empty"),
  token: z.string().min(16, "--token: at least 16 characters").optional(),
  publicRoutes: HostConfigSchema.shape.publicRoutes,
});
export type HostCliOptions = z.infer<typeof HostCliSchema>;

export const HOST_USAGE = `Usage: clawbridge-host [--port N] [--bind 127.0.0.1] [--state-dir DIR] [--token T] [--public-route PATH]...

Runs every clawbridge bridge plugin in one local host on loopback.
  --port N             port to listen on (default 18789; 0 picks a free one)
  --bind ADDR          loopback address (default 127.0.0.1)
  --state-dir DIR      where plugins keep state (default ./.state/host)
  --token T            bearer token (default: generated once and kept in the state dir)
  --public-route PATH  serve this auth:"plugin" route without the host token (repeatable), e.g.
                       /clawhip/event; the plugin's own check (clawhip's token) is then all it has
Environment: CLAWBRIDGE_HOST_PORT, CLAWBRIDGE_STATE_DIR, CLAWBRIDGE_HOST_TOKEN,
CLAWBRIDGE_HOST_PUBLIC_ROUTES (comma-separated paths).`;

export type ParsedHostArgs = { ok: true; options: HostCliOptions } | { ok: false; help: boolean; message: string };

export function parseHostArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ParsedHostArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      // `pnpm start -- --port 0` hands the script a literal `--` first (npm drops it, pnpm does not).
      args: argv[0] === "--" ? argv.slice(1) : argv,
      options: {
        port: { type: "string" },
        bind: { type: "string" },
        "state-dir": { type: "string" },
        token: { type: "string" },
        "public-route": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    return { ok: false, help: false, message: (error as Error).message };
  }
  if (values.help) return { ok: false, help: true, message: HOST_USAGE };
  const parsed = HostCliSchema.safeParse({
    bind: values.bind ?? "127.0.0.1",
    port: values.port ?? env.CLAWBRIDGE_HOST_PORT ?? 18789,
    stateDir: resolve(cwd, (values["state-dir"] as string | undefined) ?? env.CLAWBRIDGE_STATE_DIR ?? ".state/host"),
    token: values.token ?? env.CLAWBRIDGE_HOST_TOKEN,
    publicRoutes: (values["public-route"] as string[] | undefined) ?? env.CLAWBRIDGE_HOST_PUBLIC_ROUTES?.split(",").filter(Boolean) ?? [],
  });
  if (!parsed.success) {
    return { ok: false, help: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
  }
  return { ok: true, options: parsed.data };
}
