import { libraryBuild } from "../../scripts/build/library.js";

export default libraryBuild({ entry: ["src/index.ts", "src/main.ts"], dts: { entry: "src/index.ts" } });
