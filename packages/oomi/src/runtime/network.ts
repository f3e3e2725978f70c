import type { NetworkInterfaceInfo } from "node:os";
import type { Env } from "../paths.js";

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);
const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);

/** How likely an interface is to be the one a phone or headset on the same LAN can reach. */
export function scoreInterface(name: string, address: string): number {
  let score = 0;
  if (isPrivate(address)) score += 40;
  if (address.startsWith("192.168.")) score += 8;
  if (address.startsWith("10.")) score += 6;
  if (/ethernet|wi-?fi|wlan|en\d|eth\d/i.test(name)) score += 12;
  if (/hyper-v|vethernet|wsl|docker|vmware|virtualbox|tailscale|loopback|bridge/i.test(name)) score -= 30;
  if (address.startsWith("169.254.")) score -= 100;
  return score;
}

/**
 * The host the registered endpoint uses: OOMI_PERSONA_PUBLIC_HOST, else a concrete bind host (a
 * loopback one too: a server bound to loopback is reachable nowhere else, so a LAN address would be
 * registered unreachable, which upstream does), else the best-scoring external IPv4 interface, else
 * loopback.
 */
export function chooseReachableHost(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, env: Env, bindHost: string): string {
  if (env.OOMI_PERSONA_PUBLIC_HOST?.trim()) return env.OOMI_PERSONA_PUBLIC_HOST.trim();
  if (!WILDCARDS.has(bindHost)) return bindHost;
  let best: { address: string; score: number } | undefined;
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || info.family !== "IPv4") continue;
      const score = scoreInterface(name, info.address);
      if (!best || score > best.score) best = { address: info.address, score };
    }
  }
  return best?.address ?? "127.0.0.1";
}

const hostForUrl = (host: string) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);

export interface LocalRuntimeAddress {
  transport: "local";
  endpoint: string;
  reachableEndpoint: string;
  bindHost: string;
  reachableHost: string;
  localPort: number;
  healthcheckUrl: string;
}

/** The loopback endpoint (for health checks) and the LAN endpoint (for clients) of a local runtime. */
export function buildLocalRuntime(localPort: number, healthPath: string, bindHost: string, reachableHost: string): LocalRuntimeAddress {
  return {
    transport: "local",
    endpoint: `http://127.0.0.1:${localPort}`,
    reachableEndpoint: `http://${hostForUrl(reachableHost)}:${localPort}`,
    bindHost,
    reachableHost,
    localPort,
    healthcheckUrl: `http://127.0.0.1:${localPort}${healthPath}`,
  };
}

export interface RuntimeRegistration {
  endpoint: string;
  healthcheckUrl: string;
  transport: "local" | "relay";
  localPort: number | null;
}

/** What the backend is told: the LAN endpoint (or the relay entry URL); the health check stays on loopback. */
export function buildRegistration(runtime: LocalRuntimeAddress, entryUrl?: string, transport?: "local" | "relay"): RuntimeRegistration {
  if (entryUrl)
    return { endpoint: entryUrl, healthcheckUrl: runtime.healthcheckUrl, transport: transport ?? "relay", localPort: runtime.localPort };
  return { endpoint: runtime.reachableEndpoint, healthcheckUrl: runtime.healthcheckUrl, transport: "local", localPort: runtime.localPort };
}
