import { join } from "node:path";
import type { HostServerName } from "@clawbridge/contracts";
import type { RunningDemoModel } from "@clawbridge/demo-model";
import type { RunningKichiWorld } from "@clawbridge/kichi-world";
import type { StaticServer } from "@clawbridge/openmeow-web/server";
import type { OomiCli } from "./banner.js";
import { startEmbeddedDemoModel } from "./embedded/demo-model.js";
import { startEmbeddedKichiWorld } from "./embedded/kichi-world.js";
import { type EmbeddedOomi, startEmbeddedOomiBackend } from "./embedded/oomi-backend.js";
import { startEmbeddedOpenMeowWeb } from "./embedded/openmeow-web.js";
import { type HostCliOptions, SERVER_PORT_VARIABLES } from "./options.js";
import { describePortOrigin, type PortPlan, planServerPorts, rememberServerPorts } from "./ports.js";
import type { RunContext } from "./run-context.js";

/** The local servers next to the plugins, each with how its port was chosen. */
export interface LocalServers {
  kichiWorld: RunningKichiWorld;
  oomi: EmbeddedOomi;
  /** The OpenMeow web server, or why it is not running (not built). */
  openmeowWeb: StaticServer | { error: string };
  /** Only next to the real gateway: LocalHost runs its own scripted agent. */
  demoModel?: RunningDemoModel;
  ports: Partial<Record<HostServerName, PortPlan>>;
  /** Where the oomi bridge keeps persona workspaces. */
  personasDir: string;
}

/**
 * Starts the Kichi World, the Oomi backend, the OpenMeow web server and (for the gateway) the demo
 * model, each on its planned port; each one's stop is registered in `context.cleanups` as soon as it runs.
 */
export async function startLocalServers(options: HostCliOptions, withDemoModel: boolean, context: RunContext): Promise<LocalServers> {
  const { cleanups } = context;
  const hosts: Partial<Record<HostServerName, string>> = {
    kichiWorld: "127.0.0.1",
    oomiBackend: "127.0.0.1",
    openmeowWeb: options.bind,
    ...(withDemoModel ? { demoModel: "127.0.0.1" } : {}),
  };
  const ports = await planServerPorts(options.stateDir, hosts, options.serverPorts, SERVER_PORT_VARIABLES);
  const listenOn = (name: HostServerName) => ports[name]?.listen ?? 0;

  const kichiWorld = await startEmbeddedKichiWorld(options.stateDir, listenOn("kichiWorld"));
  cleanups.add("the Kichi World", () => kichiWorld.close());
  const oomi = await startEmbeddedOomiBackend(options.stateDir, listenOn("oomiBackend"));
  cleanups.add("the Oomi backend", () => oomi.backend.stop());
  context.secrets.push(oomi.deviceToken);
  const openmeowWeb = await startEmbeddedOpenMeowWeb(options.bind, listenOn("openmeowWeb"));
  if ("stop" in openmeowWeb) cleanups.add("OpenMeow web", () => openmeowWeb.stop());
  let demoModel: RunningDemoModel | undefined;
  if (withDemoModel) {
    demoModel = await startEmbeddedDemoModel(listenOn("demoModel"));
    cleanups.add("the demo model", () => demoModel?.close());
  }

  await rememberServerPorts(options.stateDir, ports, {
    kichiWorld: kichiWorld.port,
    oomiBackend: oomi.backend.port,
    ...("port" in openmeowWeb ? { openmeowWeb: openmeowWeb.port } : {}),
    ...(demoModel ? { demoModel: demoModel.port } : {}),
  });
  return { kichiWorld, oomi, openmeowWeb, demoModel, ports, personasDir: join(options.stateDir, "personas") };
}

/** What a server is, and how its port was chosen, for its banner line. */
export function serverNote(servers: LocalServers, name: HostServerName, what: string): string {
  const plan = servers.ports[name];
  return plan ? `${what}; ${describePortOrigin(plan.origin)}` : what;
}

/** Where the banner's `oomi` lines point the CLI. */
export function oomiCliOf(servers: LocalServers): OomiCli {
  const { backend, deviceId, devicePath } = servers.oomi;
  return { backendUrl: backend.url, deviceId, devicePath, personasDir: servers.personasDir };
}
