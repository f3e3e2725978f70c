import { libraryBuild } from "../../scripts/build/library.js";

// One entry per area a browser bundle may import alone (`@clawbridge/contracts/gateway`, `/openclaw`),
// beside the whole barrel for Node code.
export default libraryBuild({ entry: ["src/index.ts", "src/gateway/index.ts", "src/openclaw/index.ts"], dts: true });
