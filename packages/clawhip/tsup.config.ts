import { pluginBundle } from "../../scripts/build/plugin-bundle.js";

// dist/index.js is the plugin, dist/cli.js the `clawhip` bin, dist/lib.js what the benchmarks import.
export default pluginBundle({ entry: { index: "src/index.ts", cli: "src/cli/main.ts", lib: "src/lib.ts" }, withRequire: true });
