import { pluginBundle } from "../../scripts/build/plugin-bundle.js";

// ws's optional native helpers stay out: ws falls back to plain JavaScript without them.
export default pluginBundle({ entry: ["src/index.ts"], external: ["bufferutil", "utf-8-validate"], withRequire: true });
