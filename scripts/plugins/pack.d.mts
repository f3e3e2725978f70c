export const WORKSPACE_ROOT: string;
export interface PluginPackage {
  id: string;
  dir: string;
}
export interface PackedPlugin {
  id: string;
  version: string;
  tarball: string;
}
export function pluginPackages(root?: string): Promise<PluginPackage[]>;
export function publishedPackageJson(pkg: Record<string, unknown>): Record<string, unknown>;
export function packPlugin(dir: string, outDir: string): Promise<PackedPlugin>;
/** A digest of what `packPlugin(dir)` would put in the artifact, computed without packing. */
export function pluginContentHash(dir: string): Promise<string>;
