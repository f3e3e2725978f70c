import { libraryBuild } from "../../scripts/build/library.js";

export default libraryBuild({
  entry: { index: "src/index.ts", "local-host/index": "src/local-host/index.ts", "testing/index": "src/testing/index.ts" },
  dts: true,
  external: [/^openclaw(\/.*)?$/],
});
