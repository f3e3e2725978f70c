import { defineConfig, type Options } from "tsup";

// Commander is CommonJS; bundled into ESM its `require("node:events")` needs a real `require`.
const requireShim =
  "import { createRequire as __oomiCreateRequire } from 'node:module'; const require = __oomiCreateRequire(import.meta.url);";

// Both outputs are self-contained: a plugin folder gets no `npm install`, and the CLI starts faster
// from bundled files. Splitting keeps each command's heavy modules in chunks loaded only when it runs.
const shared: Options = {
  format: ["esm"],
  target: "node20",
  splitting: true,
  sourcemap: false,
  noExternal: [/.*/],
  external: [/^openclaw(\/.*)?$/],
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
};

export default defineConfig([
  { ...shared, entry: { cli: "src/cli/main.ts" }, banner: { js: `#!/usr/bin/env node\n${requireShim}` } },
  { ...shared, entry: { plugin: "src/plugin/index.ts" }, outDir: "dist/plugin-bundle", banner: { js: requireShim } },
]);
