import { defineConfig } from "tsup";

// A plugin's dist must stand alone: `openclaw plugins install <dir>` copies the folder and installs
// no dependencies, so everything but the host's own `openclaw` is bundled. The CLI (`dist/cli.js`)
// and the library (`dist/lib.js`, used by benchmarks) come from the same sources.
export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli/main.ts", lib: "src/lib.ts" },
  format: ["esm"],
  target: "node20",
  clean: true,
  sourcemap: true,
  noExternal: [/.*/],
  external: [/^openclaw(\/.*)?$/],
  // commander is CommonJS; bundled into ESM it needs a `require` for Node built-ins.
  banner: { js: 'import { createRequire as __clawhipRequire } from "node:module"; const require = __clawhipRequire(import.meta.url);' },
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
});
