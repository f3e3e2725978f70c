import type { NetworkInterfaceInfo } from "node:os";
import { invalidInput } from "../errors.js";
import type { Env } from "../paths.js";
import { resolveHealthPath } from "./health-path.js";
import { buildLocalRuntime, chooseReachableHost, type RuntimeRegistration } from "./network.js";

export interface RuntimeInputFlags {
  localPort?: string | number;
  endpoint?: string;
  healthPath?: string;
  healthcheckUrl?: string;
  transport?: string;
  localOnly?: boolean;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1", "0.0.0.0"]);

export function parsePort(value: string | number | undefined, flag = "--local-port"): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidInput(`${flag} must be a port number (1-65535), not ${value}`);
  return port;
}

function parseUrl(value: string, flag: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    /* reported below */
  }
  throw invalidInput(`${flag} must be an http(s) URL, not ${value}`);
}

/**
 * What `runtime-register` / `heartbeat` send: from `--local-port` the LAN endpoint is derived (the
 * health check stays on loopback); an explicit `--endpoint` is used as given, but a loopback one is
 * refused unless `--local-only` says the persona is meant to stay on this machine.
 */
export function resolveRuntimeInput(
  flags: RuntimeInputFlags,
  env: Env,
  workspaceConfig: { healthPath?: string; renderMode?: string } | null,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  fallbackPort?: number,
): RuntimeRegistration {
  const healthPath =
    flags.healthPath || resolveHealthPath(workspaceConfig ?? { renderMode: "webspatial", healthPath: "/oomi.health.json" });
  if (!healthPath.startsWith("/")) throw invalidInput(`--health-path must start with /, not ${healthPath}`);
  const transport = flags.transport ?? "local";
  if (transport !== "local" && transport !== "relay") throw invalidInput(`--transport must be local or relay, not ${transport}`);
  const healthcheckUrl = flags.healthcheckUrl ? parseUrl(flags.healthcheckUrl, "--healthcheck-url").href : undefined;
  const localPort = parsePort(flags.localPort);
  if (flags.endpoint) {
    const url = parseUrl(flags.endpoint, "--endpoint");
    if (LOOPBACK_HOSTS.has(url.hostname) && !flags.localOnly) {
      throw invalidInput(
        `--endpoint ${flags.endpoint} is loopback: Oomi web/XR clients cannot open it. Pass --local-port to derive the LAN endpoint, a relay URL, or --local-only if the persona is intentionally local-only.`,
        "LOOPBACK_ENDPOINT_REFUSED",
      );
    }
    const endpoint = flags.endpoint.replace(/\/+$/, "");
    const port = localPort ?? (url.port ? Number(url.port) : null);
    return { endpoint, healthcheckUrl: healthcheckUrl ?? `${endpoint}${healthPath}`, transport, localPort: port };
  }
  const port = localPort ?? fallbackPort;
  if (port === undefined) throw invalidInput("pass --local-port <port> (preferred) or --endpoint <LAN or relay URL>", "PORT_REQUIRED");
  const bindHost = env.OOMI_PERSONA_BIND_HOST || "0.0.0.0";
  const reachableHost = flags.localOnly ? "127.0.0.1" : chooseReachableHost(interfaces, env, bindHost);
  const runtime = buildLocalRuntime(port, healthPath, bindHost, reachableHost);
  return { endpoint: runtime.reachableEndpoint, healthcheckUrl: healthcheckUrl ?? runtime.healthcheckUrl, transport, localPort: port };
}
