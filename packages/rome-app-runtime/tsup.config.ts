import { defineConfig } from "tsup";

export default defineConfig({
  // The worker child is its own entry: `forkActionWorker` forks it by path next to the bundle.
  entry: { index: "src/index.ts", "openclaw/index": "src/openclaw/index.ts", "worker/child": "src/worker/child.ts" },
  format: ["esm"],
  target: "node20",
  dts: { entry: { index: "src/index.ts", "openclaw/index": "src/openclaw/index.ts" } },
  clean: true,
  sourcemap: true,
  external: [/^openclaw(\/.*)?$/],
  esbuildOptions(options) {
    options.conditions = ["@clawbridge/source"];
  },
});
