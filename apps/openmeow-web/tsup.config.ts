import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { "server/static-server": "src/server/static-server.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    esbuildOptions(options) {
      options.conditions = ["@clawbridge/source"];
    },
  },
  {
    // The app itself: one browser bundle (adapter browser build included) next to the public files.
    entry: { app: "src/web/main.ts" },
    outDir: "dist/web",
    format: ["esm"],
    target: "es2022",
    platform: "browser",
    sourcemap: true,
    noExternal: [/.*/],
    minify: true,
    publicDir: "public",
    esbuildOptions(options) {
      options.conditions = ["@clawbridge/source", "browser"];
    },
  },
]);
