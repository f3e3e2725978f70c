import { defineConfig, type Options } from "tsup";

// A plugin's dist must stand alone: `openclaw plugins install <dir>` copies the folder and installs
// no dependencies, so everything but the host's own `openclaw` is bundled into ESM for Node 20.
// CommonJS dependencies (commander, ws) bundled into ESM need a `require`: `withRequire` adds one.
export function pluginBundle(options: { entry: Options["entry"]; external?: Array<string | RegExp>; withRequire?: boolean }) {
  return defineConfig({
    entry: options.entry,
    format: ["esm"],
    target: "node20",
    clean: true,
    sourcemap: true,
    noExternal: [/.*/],
    external: [/^openclaw(\/.*)?$/, ...(options.external ?? [])],
    ...(options.withRequire
      ? {
          banner: {
            js: 'import { createRequire as __pluginCreateRequire } from "node:module"; const require = __pluginCreateRequire(import.meta.url);',
          },
        }
      : {}),
    esbuildOptions(esbuild) {
      esbuild.conditions = ["@clawbridge/source"];
    },
  });
}
