import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { LocalHost, stderrLogger } from "@clawbridge/plugin-host/local-host";
import { startEmbeddedKichiWorld } from "./embedded/kichi-world.js";
import { startEmbeddedOomiBackend } from "./embedded/oomi-backend.js";
import { startOpenMeowWeb } from "./embedded/openmeow-web.js";
import { installFatalErrorPolicy } from "./fatal.js";
import { parseHostArgs } from "./options.js";
import { bridgePlugins } from "./plugins.js";

/** The secrets this process holds, scrubbed from a fatal error's log line. */
const secrets: string[] = [];
installFatalErrorPolicy({
  secrets: () => secrets,
  write: (line) => process.stderr.write(line),
  exit: (code) => process.exit(code),
});

/** The token survives restarts so a curl line copied once keeps working; the file is 0600. */
async function hostToken(stateDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const path = join(stateDir, "host-token");
  const saved = (await readFile(path, "utf8").catch(() => "")).trim();
  if (saved.length >= 16) return saved;
  const token = randomBytes(24).toString("base64url");
  await writeFileAtomic(path, `${token}\n`, { secret: true });
  return token;
}

async function main(): Promise<number> {
  const parsed = parseHostArgs(process.argv.slice(2), process.env, process.cwd());
  if (!parsed.ok) {
    (parsed.help ? process.stdout : process.stderr).write(`${parsed.message}\n`);
    return parsed.help ? 0 : 2;
  }
  const { options } = parsed;
  const token = await hostToken(options.stateDir, options.token);
  secrets.push(token);
  const host = new LocalHost({
    stateDir: options.stateDir,
    bind: options.bind,
    port: options.port,
    token,
    publicRoutes: options.publicRoutes,
    logger: stderrLogger("clawbridge-host"),
    handleSignals: true,
  });
  const kichiWorld = await startEmbeddedKichiWorld(options.stateDir, process.env);
  const oomi = await startEmbeddedOomiBackend(options.stateDir);
  secrets.push(oomi.deviceToken);
  for (const plugin of bridgePlugins({ kichiHost: kichiWorld.host, oomi })) {
    await host.load(plugin.entry, plugin.config ? { config: plugin.config } : {});
  }
  try {
    await host.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(
      code === "EADDRINUSE"
        ? `port ${options.port} is in use; pass --port 0 for a free one or stop what listens there\n`
        : `could not start the local host: ${(error as Error).message}\n`,
    );
    await host.stop();
    return 1;
  }
  const tools = host.listTools();
  process.stdout.write(
    [
      `clawbridge local host listening on ${host.url}`,
      `  token:   ${host.token}`,
      `  state:   ${options.stateDir}`,
      `  plugins: ${host.plugins.map((p) => p.id).join(", ")}`,
      `  tools:   ${tools.join(", ")}`,
      ...(options.publicRoutes.length > 0
        ? [`  public:  ${options.publicRoutes.join(", ")} (no host token; the plugin's own check applies)`]
        : []),
      `  kichi:   ${kichiWorld.url} (local Kichi World; agents join it with kichi_join)`,
      `  oomi:    ${oomi.backend.url} (local Oomi backend; for the oomi CLI: export OOMI_BACKEND_URL=${oomi.backend.url})`,
      `  try:     curl -H "Authorization: Bearer ${host.token}" -d '{"tool":"clawbridge_status"}' ${host.url}/tools/invoke`,
      "",
    ].join("\n"),
  );
  await startOpenMeowWeb(host, options.bind);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    process.stderr.write(`clawbridge-host: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
