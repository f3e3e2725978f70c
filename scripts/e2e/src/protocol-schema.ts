import { readdir, readFile, realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** A JSON Schema of the Gateway protocol as the pinned `openclaw` package ships it. */
export type JsonSchema = Record<string, unknown>;

export interface ProtocolValidator {
  /** The problems of `value` against the named schema (empty when it validates). */
  problems(schemaName: string, value: unknown): string[];
}

const packageJson = join(import.meta.dirname, "../node_modules/openclaw/package.json");

/**
 * Reads Gateway protocol schemas (`HelloOkSchema`, `EventFrameSchema`, …) from the installed
 * `openclaw` package: its protocol schemas are TypeBox objects, i.e. JSON Schema, exported from
 * hashed chunks under `dist/`. Each name is found by its definition and its export clause (the
 * chunk names change per release), imported, and kept as plain JSON (a JSON round trip drops
 * TypeBox's runtime markers), so what is checked is the JSON Schema itself. Nothing is copied
 * into the project. A name the package does not export is an error naming it.
 */
export async function loadGatewayProtocolSchemas(names: readonly string[]): Promise<Record<string, JsonSchema>> {
  const dist = join(dirname(await realpath(packageJson)), "dist");
  const found: Record<string, JsonSchema> = {};
  const wanted = new Set(names);
  for (const file of (await readdir(dist)).filter((name) => name.endsWith(".mjs")).sort()) {
    if (wanted.size === 0) break;
    const text = await readFile(join(dist, file), "utf8");
    const clause = /export \{([^}]*)\};?\s*$/.exec(text)?.[1];
    if (!clause) continue;
    const aliases = new Map(
      clause.split(",").map((part) => {
        const [local, exported] = part.trim().split(/\s+as\s+/);
        return [local as string, exported ?? (local as string)];
      }),
    );
    const here = [...wanted].filter((name) => aliases.has(name) && text.includes(`const ${name} =`));
    if (here.length === 0) continue;
    const module = (await import(pathToFileURL(join(dist, file)).href)) as Record<string, unknown>;
    for (const name of here) {
      found[name] = JSON.parse(JSON.stringify(module[aliases.get(name) as string])) as JsonSchema;
      wanted.delete(name);
    }
  }
  if (wanted.size > 0) throw new Error(`openclaw's dist exports no protocol schema named ${[...wanted].join(", ")}`);
  return found;
}

/**
 * A validator over those schemas with the JSON Schema validator the `openclaw` package itself depends
 * on (`typebox/compile`, resolved from the installed package: no validator of our own decides).
 */
export async function gatewayProtocolValidator(names: readonly string[]): Promise<ProtocolValidator> {
  const schemas = await loadGatewayProtocolSchemas(names);
  const requireFromOpenclaw = createRequire(await realpath(packageJson));
  const { Compile } = (await import(pathToFileURL(requireFromOpenclaw.resolve("typebox/compile")).href)) as {
    Compile: (schema: JsonSchema) => {
      Check(value: unknown): boolean;
      Errors(value: unknown): Iterable<{ instancePath: string; message: string }>;
    };
  };
  const compiled = new Map(Object.entries(schemas).map(([name, schema]) => [name, Compile(schema)]));
  return {
    problems(schemaName, value) {
      const check = compiled.get(schemaName);
      if (!check) throw new Error(`no schema ${schemaName} was loaded`);
      if (check.Check(value)) return [];
      return [...check.Errors(value)].map((error) => `${schemaName}${error.instancePath || ""}: ${error.message}`);
    },
  };
}
