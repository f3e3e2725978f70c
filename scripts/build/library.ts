import { defineConfig, type Options } from "tsup";

// A workspace library (and any runnable entry beside it) for Node 20: ESM with source maps, type
// declarations as `dts` says, and workspace imports bundled from their sources (the
// `@clawbridge/source` condition) rather than from a sibling's dist.
export function libraryBuild(options: { entry: Options["entry"]; dts: Options["dts"]; external?: Array<string | RegExp> }) {
  return defineConfig({
    entry: options.entry,
    format: ["esm"],
    target: "node20",
    dts: options.dts,
    clean: true,
    sourcemap: true,
    ...(options.external ? { external: options.external } : {}),
    esbuildOptions(esbuild) {
      esbuild.conditions = ["@clawbridge/source"];
    },
  });
}
