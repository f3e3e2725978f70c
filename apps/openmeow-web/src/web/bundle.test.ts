import { join, relative } from "node:path";
import { build } from "esbuild";
import { expect, it } from "vitest";

// The browser bundle built the way tsup.config.ts builds dist/web/app.js, in memory, to see which
// modules it carries. It was ≈527 KB minified when contracts came as one barrel and zod with every locale.
const BUDGET_BYTES = 160_000;

it("the web bundle carries only the gateway and openclaw contracts it uses, and zod's English messages alone", async () => {
  const root = join(import.meta.dirname, "../../../..");
  const result = await build({
    entryPoints: [join(import.meta.dirname, "main.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@clawbridge/source", "browser"],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const carried = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => relative(root, join(process.cwd(), path)).replaceAll("\\", "/"));
  const contracts = carried.filter((path) => path.startsWith("packages/contracts/"));
  expect(contracts.length).toBeGreaterThan(0);
  expect(contracts.filter((path) => !/^packages\/contracts\/src\/(gateway|openclaw)\//.test(path))).toEqual([]);
  const locales = carried.filter((path) => path.includes("/zod/v4/locales/")).map((path) => path.replace(/.*\/locales\//, ""));
  expect(locales).toEqual(["en.js"]);
  expect(output.bytes).toBeLessThan(BUDGET_BYTES);
});
