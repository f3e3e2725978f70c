import { join } from "node:path";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";

/** The local Kichi World the host's agents join: on 127.0.0.1 at `port` (0: a free one), identities kept in the host's state folder. */
export function startEmbeddedKichiWorld(stateDir: string, port: number): Promise<RunningKichiWorld> {
  return startKichiWorld({
    port,
    identitiesFile: join(stateDir, "kichi-world", "identities.json"),
    log: (line) => process.stderr.write(`kichi-world: ${line}\n`),
  });
}
