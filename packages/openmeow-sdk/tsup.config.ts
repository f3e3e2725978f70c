import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    external: ["ws"],
    esbuildOptions(options) {
      options.conditions = ["@clawbridge/source"];
    },
  },
  {
    // The browser entry bundles contracts and zod and must never reach a node-only module.
    entry: { browser: "src/browser.ts" },
    format: ["esm"],
    target: "es2022",
    platform: "browser",
    dts: true,
    sourcemap: true,
    noExternal: [/.*/],
    esbuildOptions(options) {
      options.conditions = ["@clawbridge/source", "browser"];
    },
  },
]);
