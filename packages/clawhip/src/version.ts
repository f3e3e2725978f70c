import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
/** The npm package name: what the update checker asks the registry about, and installs. */
export const PACKAGE_NAME: string = pkg.name;
