import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { HostConfigSchema, type HostServerName } from "@clawbridge/contracts";
import { z } from "zod";

const portMessage = (name: string) => `${name}: a whole number from 0 to 65535 (0 picks a free port)`;

/** A port from a flag or a variable, named in its refusal. */
const portOf = (name: string) =>
  z.preprocess(
    (value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value),
    z
      .number({ error: portMessage(name) })
      .int(portMessage(name))
      .min(0, portMessage(name))
      .max(65535, portMessage(name)),
  );

/** The variable that pins each local server's port (otherwise the remembered or default one, see ports.ts). */
export const SERVER_PORT_VARIABLES: Record<HostServerName, string> = {
  kichiWorld: "CLAWBRIDGE_KICHI_WORLD_PORT",
  oomiBackend: "OOMI_BACKEND_PORT",
  openmeowWeb: "OPENMEOW_WEB_PORT",
  demoModel: "CLAWBRIDGE_DEMO_MODEL_PORT",
};

const HostCliSchema = z.object({
  /** LocalHost (Node 20, in process) instead of the real OpenClaw gateway. */
  local: z.boolean(),
  bind: z.string().refine((v) => v === "127.0.0.1" || v === "localhost" || v === "::1", "--bind: only loopback addresses are served"),
  port: portOf("--port"),
  stateDir: z.string().min(1, "--state-dir: must not be empty"),
  token: z.string().min(16, "--token: at least 16 characters").optional(),
  publicRoutes: HostConfigSchema.shape.publicRoutes,
  serverPorts: z.object({
    kichiWorld: portOf(SERVER_PORT_VARIABLES.kichiWorld).optional(),
    oomiBackend: portOf(SERVER_PORT_VARIABLES.oomiBackend).optional(),
    openmeowWeb: portOf(SERVER_PORT_VARIABLES.openmeowWeb).optional(),
    demoModel: portOf(SERVER_PORT_VARIABLES.demoModel).optional(),
  }),
});
export type HostCliOptions = z.infer<typeof HostCliSchema>;

export const HOST_USAGE = `Usage: clawbridge-host [--local] [--port N] [--bind 127.0.0.1] [--state-dir DIR] [--token T] [--public-route PATH]...

Runs every clawbridge bridge plugin next to the local servers they talk to (Kichi World, Oomi backend,
OpenMeow web), on loopback. By default in a real OpenClaw gateway (openclaw under the workspace's
Node 24, plugins installed from their packed artifacts, the demo model as the default model).
  --local              run the plugins in LocalHost instead: one Node 20 process, no gateway, no model
  --port N             gateway port (default 18789; 0 picks a free one); checked before anything starts
  --bind ADDR          loopback address of the local servers and LocalHost (default 127.0.0.1);
                       the gateway always binds loopback
  --state-dir DIR      state of the plugins, the servers and the gateway home (default ./.state/host)
  --token T            bearer token (default: generated once and kept in the state dir)
  --public-route PATH  LocalHost only: serve this auth:"plugin" route without the host token
                       (repeatable), e.g. /clawhip/event; the plugin's own check is then all it has
Environment: CLAWBRIDGE_HOST_PORT, CLAWBRIDGE_STATE_DIR, CLAWBRIDGE_HOST_TOKEN,
CLAWBRIDGE_HOST_PUBLIC_ROUTES (comma-separated paths); ${Object.values(SERVER_PORT_VARIABLES).join(", ")}
pin a server's port (0: a free one), else each keeps the port it had last time unless it is taken.`;

export type ParsedHostArgs = { ok: true; options: HostCliOptions } | { ok: false; help: boolean; message: string };

export function parseHostArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ParsedHostArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      // `pnpm start -- --port 0` hands the script a literal `--` first (npm drops it, pnpm does not).
      args: argv[0] === "--" ? argv.slice(1) : argv,
      options: {
        local: { type: "boolean" },
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
    local: values.local === true,
    bind: values.bind ?? "127.0.0.1",
    port: values.port ?? env.CLAWBRIDGE_HOST_PORT ?? 18789,
    stateDir: resolve(cwd, (values["state-dir"] as string | undefined) ?? env.CLAWBRIDGE_STATE_DIR ?? ".state/host"),
    token: values.token ?? env.CLAWBRIDGE_HOST_TOKEN,
    publicRoutes: (values["public-route"] as string[] | undefined) ?? env.CLAWBRIDGE_HOST_PUBLIC_ROUTES?.split(",").filter(Boolean) ?? [],
    serverPorts: Object.fromEntries(
      Object.entries(SERVER_PORT_VARIABLES)
        .filter(([, variable]) => env[variable] !== undefined && env[variable] !== "")
        .map(([name, variable]) => [name, env[variable]]),
    ),
  });
  if (!parsed.success) {
    return { ok: false, help: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
  }
  if (!parsed.data.local && parsed.data.publicRoutes.length > 0) {
    return {
      ok: false,
      help: false,
      message: '--public-route: LocalHost only (with --local); in the gateway a plugin\'s auth:"plugin" route is served as it registers it',
    };
  }
  return { ok: true, options: parsed.data };
}
