import { readFile } from "node:fs/promises";
import { type ClawhipConfig, ClawhipConfigSchema } from "@clawbridge/contracts";
import { parse as parseToml } from "smol-toml";
import { CronScheduleError, parseCronSchedule } from "../sources/cron.js";

export type ConfigResult = { ok: true; config: ClawhipConfig } | { ok: false; error: string };

/** Issues as text; a route's own rule is named as upstream names it: `route #N (<event>) <message>`. */
function describe(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string }>, value: unknown): string {
  const routes =
    typeof value === "object" && value !== null && Array.isArray((value as { routes?: unknown }).routes)
      ? (value as { routes: unknown[] }).routes
      : [];
  return issues
    .map((i) => {
      const [top, index] = i.path;
      if (top === "routes" && typeof index === "number" && i.path.length === 2 && i.code === "custom") {
        const route = routes[index] as { event?: unknown } | undefined;
        return `route #${index + 1} (${typeof route?.event === "string" ? route.event : "?"}) ${i.message}`;
      }
      return `${i.path.map(String).join(".") || "(config)"}: ${i.message}`;
    })
    .join("; ");
}

/** What zod cannot say: every cron schedule parses, and job ids are unique. */
function cronProblems(config: ClawhipConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const job of config.cron.jobs) {
    if (seen.has(job.id)) problems.push(`cron job '${job.id}' is defined twice`);
    seen.add(job.id);
    try {
      parseCronSchedule(job.schedule);
    } catch (error) {
      if (!(error instanceof CronScheduleError)) throw error;
      problems.push(`cron job '${job.id}': ${error.message}`);
    }
  }
  return problems;
}

/** Validates an already-parsed config object (TOML tables as JSON). */
export function parseConfigObject(value: unknown): ConfigResult {
  const parsed = ClawhipConfigSchema.safeParse(value ?? {});
  if (!parsed.success) return { ok: false, error: `invalid clawhip config: ${describe(parsed.error.issues, value)}` };
  const problems = cronProblems(parsed.data);
  return problems.length === 0 ? { ok: true, config: parsed.data } : { ok: false, error: `invalid clawhip config: ${problems.join("; ")}` };
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
