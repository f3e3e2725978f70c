import { join } from "node:path";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";

/**
 * The local Kichi World the host's agents join: on 127.0.0.1, port from CLAWBRIDGE_KICHI_WORLD_PORT
 * (default 0, a free one), identities kept in the host's state folder.
 */
export async function startEmbeddedKichiWorld(stateDir: string, env: NodeJS.ProcessEnv): Promise<RunningKichiWorld> {
  const port = Number(env.CLAWBRIDGE_KICHI_WORLD_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error("CLAWBRIDGE_KICHI_WORLD_PORT must be an integer from 0 to 65535");
  return startKichiWorld({
    port,
    identitiesFile: join(stateDir, "kichi-world", "identities.json"),
    log: (line) => process.stderr.write(`kichi-world: ${line}\n`),
  });
}
