import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";

// Commander is CommonJS; bundled into ESM its `require("node:events")` needs a real `require`.
const requireShim =
  "import { createRequire as __oomiCreateRequire } from 'node:module'; const require = __oomiCreateRequire(import.meta.url);";

// The CLI's variant loads node:child_process only when touched: commander requires it up front for
// executable subcommands, which oomi has none of, and loading it is a large share of `oomi --help`.
const cliRequireShim = [
  "import { createRequire as __oomiCreateRequire } from 'node:module';",
  "const __oomiRequire = __oomiCreateRequire(import.meta.url);",
  "const require = (id) => id === 'node:child_process' ? new Proxy({}, { get: (_, key) => __oomiRequire(id)[key] }) : __oomiRequire(id);",
].join(" ");

// Both outputs are self-contained: a plugin folder gets no `npm install`, and the CLI starts faster
// from bundled files. Splitting keeps each command's heavy modules in chunks loaded only when it runs.
// Contracts and zod have no import-time side effects; saying so lets esbuild drop every schema a
// command does not use, which is most of the CLI's start-up cost.
const PURE = /[\\/](contracts[\\/]src|node_modules[\\/](\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?zod)[\\/]/;
const pureModules: Plugin = {
  name: "pure-modules",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === "pure-modules") return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "pure-modules",
      });
      if (resolved.errors.length > 0 || !PURE.test(resolved.path)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

const shared: Options = {
  format: ["esm"],
  target: "node20",
  splitting: true,
  sourcemap: false,
  noExternal: [/.*/],
  external: [/^openclaw(\/.*)?$/],
  minify: true,
  esbuildPlugins: [pureModules],
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
};

export default defineConfig([
  { ...shared, entry: { cli: "src/cli/main.ts" }, banner: { js: `#!/usr/bin/env node\n${cliRequireShim}` } },
  { ...shared, entry: { plugin: "src/plugin/index.ts" }, outDir: "dist/plugin-bundle", banner: { js: requireShim } },
]);
