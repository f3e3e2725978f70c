import { pluginBundle } from "../../scripts/build/plugin-bundle.js";

export default pluginBundle({ entry: ["src/index.ts"] });
