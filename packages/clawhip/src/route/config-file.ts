import { readFile } from "node:fs/promises";
import { type ClawhipConfig, ClawhipConfigSchema } from "@clawbridge/contracts";
import { parse as parseToml } from "smol-toml";

export type ConfigResult = { ok: true; config: ClawhipConfig } | { ok: false; error: string };

function describe(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "(config)"}: ${i.message}`).join("; ");
}

/** Validates an already-parsed config object (TOML tables as JSON). */
export function parseConfigObject(value: unknown): ConfigResult {
  const parsed = ClawhipConfigSchema.safeParse(value ?? {});
  return parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, error: `invalid clawhip config: ${describe(parsed.error.issues)}` };
}

/** Parses and validates `clawhip.toml` text; every problem is named, nothing throws. */
export function parseConfigToml(text: string): ConfigResult {
  let value: unknown;
  try {
    value = parseToml(text);
  } catch (error) {
    return { ok: false, error: `invalid TOML: ${(error as Error).message}` };
  }
  return parseConfigObject(value);
}

export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return { ok: false, error: `cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  const result = parseConfigToml(text);
  return result.ok ? result : { ok: false, error: `${path}: ${result.error}` };
}

/** The default config: no routes, compact format, loopback daemon. */
export function defaultConfig(): ClawhipConfig {
  return ClawhipConfigSchema.parse({});
}
