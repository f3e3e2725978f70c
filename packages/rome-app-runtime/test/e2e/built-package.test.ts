// The package as an app receives it: the built `dist/` (`pnpm build` first; `pnpm test` does).
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePrograms, exportNames, programFiles, valueExportNames } from "../../compat/compile.mjs";

const packageDir = resolve(import.meta.dirname, "../..");
const declarations = resolve(packageDir, "dist/index.d.ts");
const upstream = JSON.parse(readFileSync(resolve(packageDir, "compat/upstream-0.3.0-exports.json"), "utf8")) as { names: string[] };

beforeAll(() => {
  if (!existsSync(declarations)) throw new Error(`${declarations} is missing: run \`pnpm build\` first`);
});

describe("the built @clawbridge/rome-app-runtime", () => {
  it("exports at run time every value its declarations declare, and declares every value it exports", async () => {
    const declared = valueExportNames(declarations);
    const module = (await import(pathToFileURL(resolve(packageDir, "dist/index.js")).href)) as Record<string, unknown>;
    const missingAtRunTime = declared.filter((name) => module[name] === undefined);
    expect(missingAtRunTime).toEqual([]);
    expect(Object.keys(module).sort()).toEqual(declared);
    // The two that used to be declared as values with no JavaScript behind them.
    expect(declared).not.toContain("JSONSchema");
    expect(typeof module.ActionWorker).toBe("function");
  });

  it("exports every name upstream 0.3.0 exports", () => {
    const ours = exportNames(declarations);
    expect(upstream.names).toHaveLength(128);
    expect(upstream.names.filter((name) => !ours.includes(name))).toEqual([]);
  });

  it("compiles all 30 app-author programs written against upstream 0.3.0, with only the package resolved to ours", () => {
    const results = compilePrograms(declarations);
    expect(programFiles()).toHaveLength(30);
    const failing = results.filter((result) => result.errors.length > 0).map((result) => `${result.file}\n  ${result.errors.join("\n  ")}`);
    expect(failing).toEqual([]);
  });
});
