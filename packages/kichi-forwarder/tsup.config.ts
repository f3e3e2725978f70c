import { defineConfig } from "tsup";

// A plugin's dist must stand alone: `openclaw plugins install <dir>` copies the folder and installs
// no dependencies, so everything but the host's own `openclaw` is bundled — `ws` included. `ws` is
// CommonJS and requires Node built-ins, so the ESM bundle gets a real `require`.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  clean: true,
  sourcemap: true,
  noExternal: [/.*/],
  external: [/^openclaw(\/.*)?$/, "bufferutil", "utf-8-validate"],
  banner: {
    js: 'import { createRequire as __kichiCreateRequire } from "node:module";\nconst require = __kichiCreateRequire(import.meta.url);',
  },
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
});
