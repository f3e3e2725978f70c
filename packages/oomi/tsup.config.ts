import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";
import type { CommandName } from "./src/cli/command-modules.js";

// The plugin's bundled CommonJS dependencies need a real `require` in ESM.
const requireShim =
  "import { createRequire as __oomiCreateRequire } from 'node:module'; const require = __oomiCreateRequire(import.meta.url);";

// The CLI takes every Node built-in from `process.getBuiltinModule` (Node >= 20.16) through a tiny
// CommonJS module, never through an ESM import: on Node 20 an ESM import of a built-in builds a
// facade that reads every export, lazy ones included (`import "node:fs"` loads all of Node's
// streams), and a bundled CommonJS dependency's `require` then needs no createRequire shim. A
// built-in that Node's own start-up has not loaded is loaded when one of its exports is first used,
// not when a bundled module mentions it: commander requires node:child_process for executable
// subcommands, which oomi has none of, and `oomi --help` should not pay for that, nor for node:os.
// A built-in whose module is itself a function (node:events) cannot be stood in for. The export
// names are listed from the Node that runs the build (20, as at run time).
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));
const LOADED_AT_START = new Set(["fs", "path", "process"]);
function builtinModuleSource(name: string): string {
  const id = JSON.stringify(`node:${name}`);
  const exports = process.getBuiltinModule(`node:${name}`);
  if (typeof exports === "function" || LOADED_AT_START.has(name)) return `module.exports = process.getBuiltinModule(${id});`;
  return [
    "let loaded;",
    `const load = () => (loaded ??= process.getBuiltinModule(${id}));`,
    `for (const key of ${JSON.stringify(Object.keys(exports))}) {`,
    "  Object.defineProperty(module.exports, key, { enumerable: true, get: () => load()[key], set: (value) => { load()[key] = value; } });",
    "}",
  ].join("\n");
}
const builtinsFromProcess: Plugin = {
  name: "builtins-from-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      return BUILTINS.has(name) ? { path: name, namespace: "builtin" } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({ contents: builtinModuleSource(args.path), loader: "js" }));
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

// The `oomi` bin is two builds. dist/cli.cjs is the shell: commander, the program, the output, and
// `personas status` (the command agents poll; zod-free and small), in one CommonJS file, which
// Node 20 loads more cheaply than an ES module: `oomi --help` and `oomi personas status` load that
// file and nothing else. Every other command module is an ESM entry under dist/commands/, which the
// shell loads through the loader bin/oomi.cjs gives it (src/cli/command-modules.ts) only when its
// command runs; these share chunks among themselves. Small modules (errors, paths) have a copy on each
// side, which is why OomiError is recognised by a brand, not `instanceof`.
const COMMAND_MODULES: Record<CommandName, string> = {
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
// The bin compiles the shell from a V8 code cache, and V8 (Node 20) drops the dynamic-import callback
// of such a script: an import() in the shell would fail at run time, so it fails the build instead.
const noShellImports: Plugin = {
  name: "no-shell-imports",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      return { errors: [{ text: `import(${JSON.stringify(args.path)}) in the shell: load command modules through io.loadCommand` }] };
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
    format: ["cjs"],
    splitting: false,
    esbuildPlugins: [noShellImports, builtinsFromProcess, pureModules],
    banner: { js: "#!/usr/bin/env node" },
  },
  { ...cli, entry: COMMAND_MODULES, outDir: "dist/commands" },
  { ...shared, entry: { plugin: "src/plugin/index.ts" }, outDir: "dist/plugin-bundle", banner: { js: requireShim } },
]);
