import { createServer } from "node:net";
import { join } from "node:path";
import { type HostServerName, type HostServerPortsFile, HostServerPortsFileSchema } from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";

/**
 * Where each local server listens on a first run. Outside the gateway's own ports: 18789, the browser
 * control port it derives (+2) and the CDP range after that (openclaw `docs/gateway/multiple-gateways.md`).
 */
export const DEFAULT_SERVER_PORTS: Record<HostServerName, number> = {
  kichiWorld: 18760,
  oomiBackend: 18761,
  openmeowWeb: 18762,
  demoModel: 18763,
};

/** How a server's port was chosen, for the banner. */
export type PortOrigin =
  | { kind: "pinned"; variable: string }
  | { kind: "default" }
  | { kind: "remembered" }
  /** `wanted` was in use, so the server took a free port, which is remembered from now on. */
  | { kind: "taken"; wanted: number };

export interface PortPlan {
  /** The port to listen on; 0 asks the system for a free one. */
  listen: number;
  origin: PortOrigin;
}

/** Why `port` on `host` cannot be listened on (`EADDRINUSE`, `EACCES`, …), or undefined when it can. */
export function portRefusal(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => resolvePromise(error.code ?? error.message));
    probe.listen(port, host, () => probe.close(() => resolvePromise(undefined)));
  });
}

const portsFile = (stateDir: string) => join(stateDir, "ports.json");

/**
 * The port each server listens on: the one its variable pins, else the one it had last time (from
 * `<state-dir>/ports.json`), else its default, unless that one is in use now, then a free one.
 * A probe that finds the port free can still lose it before the server binds; the server's own
 * listen error says so then.
 */
export async function planServerPorts(
  stateDir: string,
  /** The address each server will listen on, by name. */
  hosts: Partial<Record<HostServerName, string>>,
  pinned: Partial<Record<HostServerName, number>>,
  variables: Record<HostServerName, string>,
): Promise<Partial<Record<HostServerName, PortPlan>>> {
  const read = await readJsonFile(portsFile(stateDir), HostServerPortsFileSchema);
  const remembered: HostServerPortsFile = read.status === "ok" ? read.value : {};
  const plans: Partial<Record<HostServerName, PortPlan>> = {};
  for (const [name, host] of Object.entries(hosts) as Array<[HostServerName, string]>) {
    const pin = pinned[name];
    if (pin !== undefined) {
      plans[name] = { listen: pin, origin: { kind: "pinned", variable: variables[name] } };
      continue;
    }
    const wanted = remembered[name] ?? DEFAULT_SERVER_PORTS[name];
    const origin: PortOrigin = remembered[name] !== undefined ? { kind: "remembered" } : { kind: "default" };
    plans[name] = (await portRefusal(wanted, host)) ? { listen: 0, origin: { kind: "taken", wanted } } : { listen: wanted, origin };
  }
  return plans;
}

/** Keeps the ports the servers listen on now for the next start (pinned ones are the variable's business). */
export async function rememberServerPorts(
  stateDir: string,
  plans: Partial<Record<HostServerName, PortPlan>>,
  actual: Partial<Record<HostServerName, number>>,
): Promise<void> {
  const read = await readJsonFile(portsFile(stateDir), HostServerPortsFileSchema);
  const next: HostServerPortsFile = read.status === "ok" ? { ...read.value } : {};
  for (const [name, port] of Object.entries(actual) as Array<[HostServerName, number]>) {
    if (plans[name]?.origin.kind !== "pinned") next[name] = port;
  }
  await writeJsonAtomic(portsFile(stateDir), next);
}

/** Says how a port was chosen, for the banner. */
export function describePortOrigin(origin: PortOrigin): string {
  switch (origin.kind) {
    case "pinned":
      return `port from ${origin.variable}`;
    case "default":
      return "default port";
    case "remembered":
      return "same port as last run";
    case "taken":
      return `${origin.wanted} was taken: a free port, kept for next runs`;
  }
}
