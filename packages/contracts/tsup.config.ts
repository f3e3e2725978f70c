import { libraryBuild } from "../../scripts/build/library.js";

export default libraryBuild({ entry: ["src/index.ts"], dts: true });
