import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "local-host/index": "src/local-host/index.ts" },
  format: ["esm"],
  target: "node20",
  dts: true,
  clean: true,
  sourcemap: true,
  external: [/^openclaw(\/.*)?$/],
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
});
