import type { KichiEnvironment } from "@clawbridge/contracts";
import { environmentHost } from "../catalog/environments.js";
import { invalid, type Validation, valid } from "../validate/result.js";

/** The port the Kichi client listens on when reached directly by address. */
export const KICHI_DIRECT_PORT = 48870;
export const KICHI_WS_PATH = "/ws/openclaw";

export interface KichiHost {
  /** `host[:port]` in canonical form (lowercase, default port dropped); also the identity folder key. */
  host: string;
  wsUrl: string;
}

const FORBIDDEN = /[/\\?#@\s]/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

function splitHostPort(input: string): { name: string; port?: string; bracketed: boolean } | undefined {
  if (input.startsWith("[")) {
    const end = input.indexOf("]");
    if (end < 0) return undefined;
    const rest = input.slice(end + 1);
    if (rest && !rest.startsWith(":")) return undefined;
    return rest ? { name: input.slice(1, end), port: rest.slice(1), bracketed: true } : { name: input.slice(1, end), bracketed: true };
  }
  const colons = input.split(":").length - 1;
  if (colons > 1) return { name: input, bracketed: false };
  const [name = "", port] = input.split(":");
  return port === undefined ? { name, bracketed: false } : { name, port, bracketed: false };
}

/**
 * Normalises `host[:port]` and derives the WebSocket URL: an IP address or `localhost` is the Kichi
 * client on the local network (`ws`, default port 48870); anything else is a hosted server (`wss`,
 * default 443, dropped from the URL). URLs, paths, queries and credentials are rejected.
 */
export function normalizeKichiHost(raw: string): Validation<KichiHost> {
  const input = raw.trim();
  if (!input) return invalid("host is required");
  if (FORBIDDEN.test(input)) return invalid(`host must be host[:port] without scheme, path, query or credentials (got "${input}")`);
  const parts = splitHostPort(input);
  if (!parts?.name) return invalid(`host "${input}" is not a valid host[:port]`);
  const name = parts.name.toLowerCase();
  const isIpv6 = parts.bracketed || name.includes(":");
  if (isIpv6 && !IPV6.test(name)) return invalid(`host "${input}" is not a valid IPv6 address`);
  const direct = isIpv6 || IPV4.test(name) || name === "localhost";
  if (!direct && !HOSTNAME.test(name)) return invalid(`host "${input}" is not a valid host name`);
  let port = direct ? KICHI_DIRECT_PORT : 443;
  if (parts.port !== undefined) {
    if (!/^\d{1,5}$/.test(parts.port) || Number(parts.port) < 1 || Number(parts.port) > 65535) {
      return invalid(`port must be a number from 1 to 65535 (got "${parts.port}")`);
    }
    port = Number(parts.port);
  }
  const shownName = isIpv6 ? `[${name}]` : name;
  if (direct) {
    const defaultPort = port === KICHI_DIRECT_PORT;
    return valid({
      host: defaultPort ? shownName : `${shownName}:${port}`,
      wsUrl: `ws://${shownName}:${port}${KICHI_WS_PATH}`,
    });
  }
  const hostPort = port === 443 ? shownName : `${shownName}:${port}`;
  return valid({ host: hostPort, wsUrl: `wss://${hostPort}${KICHI_WS_PATH}` });
}

/** The host of an environment: the hosted one, or for `test` the explicit host (required). */
export function resolveEnvironmentHost(environment: KichiEnvironment, explicitHost?: string): Validation<KichiHost> {
  if (environment === "test") {
    if (!explicitHost?.trim()) return invalid('host is required when environment is "test"');
    return normalizeKichiHost(explicitHost);
  }
  const hosted = environmentHost(environment);
  if (!hosted) return invalid(`environment "${environment}" has no host configured`);
  return normalizeKichiHost(explicitHost?.trim() ? explicitHost : hosted);
}
