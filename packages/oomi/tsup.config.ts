import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";

// Commander is CommonJS; bundled into ESM its `require("node:events")` needs a real `require`.
const requireShim =
  "import { createRequire as __oomiCreateRequire } from 'node:module'; const require = __oomiCreateRequire(import.meta.url);";

// The CLI takes every Node built-in from `process.getBuiltinModule` (Node >= 20.16) through a tiny
// CommonJS module, never through an ESM import. On Node 20 an ESM import of a built-in builds a
// facade that reads every export, lazy ones included (`import "node:fs"` loads all of Node's
// streams); and a bundled CommonJS dependency's `require` needs no createRequire shim. Commander
// requires node:child_process up front for executable subcommands, which oomi has none of: that
// `require` gets a proxy that loads the module only when touched (it pulls in net, dgram, streams).
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));
const builtinsFromProcess: Plugin = {
  name: "builtins-from-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      if (!BUILTINS.has(name)) return undefined;
      const lazy = name === "child_process" && args.kind === "require-call";
      return { path: name, namespace: lazy ? "builtin-lazy" : "builtin" };
    });
    build.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
    build.onLoad({ filter: /.*/, namespace: "builtin-lazy" }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)})[key] });`,
      loader: "js",
    }));
  },
};

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

// The `oomi` bin is three builds. dist/cli.js is the shell (commander, the program, output) in one
// file, so `oomi --help` loads a single module. Each command module is an entry of its own under
// dist/commands/, imported by the shell only when its command runs; they share chunks among
// themselves. `personas status`, the command agents poll, is one self-contained file, so it costs
// the shell plus one module. Copies of small modules (errors, paths) across these builds are why
// OomiError is recognised by a brand, not by `instanceof`.
const COMMAND_MODULES: Record<string, string> = {
  scaffold: "src/commands/scaffold.ts",
  create: "src/commands/create.ts",
  "create-managed": "src/commands/create-managed.ts",
  "launch-managed": "src/commands/launch-managed.ts",
  "local-runtime": "src/commands/local-runtime.ts",
  "runtime-report": "src/commands/runtime-report.ts",
  "persona-jobs": "src/commands/persona-jobs.ts",
  openclaw: "src/commands/openclaw.ts",
  standalone: "src/bridge/standalone.ts",
};
const SELF_CONTAINED_COMMANDS: Record<string, string> = { status: "src/commands/status.ts" };
const commandImports: Plugin = {
  name: "command-imports",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(commands|bridge)\/[\w-]+\.js$/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const name = args.path.replace(/^.*\/|\.js$/g, "");
      if (!(name in COMMAND_MODULES) && !(name in SELF_CONTAINED_COMMANDS)) {
        return { errors: [{ text: `${args.path} is not a command module: add it to COMMAND_MODULES in tsup.config.ts` }] };
      }
      return { path: `./commands/${name}.js`, external: true };
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

const cli: Options = {
  ...shared,
  // tsup's own node: handling would mark built-ins external before builtinsFromProcess sees them.
  removeNodeProtocol: false,
  esbuildPlugins: [builtinsFromProcess, pureModules],
};

export default defineConfig([
  {
    ...cli,
    entry: { cli: "src/cli/main.ts" },
    splitting: false,
    esbuildPlugins: [commandImports, builtinsFromProcess, pureModules],
    banner: { js: "#!/usr/bin/env node" },
  },
  { ...cli, entry: COMMAND_MODULES, outDir: "dist/commands" },
  { ...cli, entry: SELF_CONTAINED_COMMANDS, outDir: "dist/commands", splitting: false },
  { ...shared, entry: { plugin: "src/plugin/index.ts" }, outDir: "dist/plugin-bundle", banner: { js: requireShim } },
]);
