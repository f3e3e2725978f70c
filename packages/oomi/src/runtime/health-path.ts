const WEBSPATIAL_PREFIX = "/webspatial/avp";

/** The health path of a workspace: `oomi.runtime.json.healthPath`, under `/webspatial/avp` for WebSpatial apps. */
export function resolveHealthPath(config: { healthPath?: string; renderMode?: string } | null): string {
  const path = config?.healthPath || "/oomi.health.json";
  if (config?.renderMode === "webspatial" && !path.startsWith(WEBSPATIAL_PREFIX)) return `${WEBSPATIAL_PREFIX}${path}`;
  return path;
}
