import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@clawbridge/plugin-host";

/**
 * The bearer token of the gateway (or LocalHost): `given`, else the one kept in `<state-dir>/host-token`
 * (0600), else a new one kept there. It survives restarts so a curl line copied once keeps working.
 */
export async function hostToken(stateDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const path = join(stateDir, "host-token");
  const saved = (await readFile(path, "utf8").catch(() => "")).trim();
  if (saved.length >= 16) return saved;
  const token = randomBytes(24).toString("base64url");
  await writeFileAtomic(path, `${token}\n`, { secret: true });
  return token;
}
