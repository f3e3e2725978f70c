import { defineConfig } from "tsup";

// A plugin's dist must stand alone: `openclaw plugins install <dir>` copies the folder and installs
// no dependencies, so everything but the host's own `openclaw` is bundled.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  clean: true,
  sourcemap: true,
  noExternal: [/.*/],
  external: [/^openclaw(\/.*)?$/],
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
});
