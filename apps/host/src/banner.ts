/**
 * What `pnpm start` prints once everything is up: where each thing listens, the token, and commands to
 * paste next. Pure: the run modes gather the facts, this turns them into lines. Every command printed
 * here is run as printed by the e2e tests (apps/host/test/gateway-start.test.ts, start.test.ts).
 */

/** The last line of every banner: tests and the start benchmark wait for it. */
export const BANNER_END = "Ctrl-C stops everything.";

/** A word bash reads back as `value`: as it is when it is plain, else in single quotes. */
export function shellWord(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A local server's line: its URL and what it is. */
export interface ServerLine {
  url: string;
  /** What it is and how its port was chosen, e.g. "local Kichi World; same port as last run". */
  note: string;
}

export interface OomiCli {
  backendUrl: string;
  deviceId: string;
  /** The 0600 file the device token is read from when the command runs (the banner never holds it). */
  devicePath: string;
  personasDir: string;
}

export interface NextCommandsInput {
  /** Where `/tools/invoke` and plugin routes are served (the gateway or LocalHost). */
  url: string;
  token: string;
  oomi: OomiCli;
  /** The gateway's home, for `pnpm openclaw` against it; absent for LocalHost. */
  gatewayHome?: string;
}

/** The commands to paste next, from the repository folder (`pnpm exec oomi` finds the workspace's bin there). */
export function nextCommands(input: NextCommandsInput): string[] {
  const auth = shellWord(`Authorization: Bearer ${input.token}`);
  const json = shellWord("Content-Type: application/json");
  const tokenExpression = `require(${JSON.stringify(input.oomi.devicePath)}).deviceToken`;
  return [
    `curl -sS -H ${auth} -H ${json} -d '{"tool":"clawbridge_status"}' ${input.url}/tools/invoke`,
    `curl -sS -H ${auth} -H ${json} -d '{"type":"custom","message":"hello from clawbridge"}' ${input.url}/clawhip/event`,
    [
      `export OOMI_BACKEND_URL=${shellWord(input.oomi.backendUrl)}`,
      // The local backend also answers as the Oomi app: `oomi openclaw pair` finds it without --app-url.
      `OOMI_APP_URL=${shellWord(input.oomi.backendUrl)}`,
      `OOMI_DEVICE_ID=${shellWord(input.oomi.deviceId)}`,
      `OPENCLAW_PERSONAS_DIR=${shellWord(input.oomi.personasDir)}`,
      `OOMI_DEVICE_TOKEN="$(node -p ${shellWord(tokenExpression)})"`,
    ].join(" "),
    "pnpm exec oomi openclaw invite --json",
    'pnpm exec oomi personas create-managed hello-oomi --name "Hello Oomi" --description "A first managed persona" --json',
    ...(input.gatewayHome ? [`OPENCLAW_HOME=${shellWord(input.gatewayHome)} pnpm openclaw plugins list`] : []),
  ];
}

/** `label:` padded so the values line up. */
const row = (label: string, value: string) => `  ${`${label}:`.padEnd(10)}${value}`;
const serverRow = (label: string, line: ServerLine) => row(label, `${line.url} (${line.note})`);

export interface GatewayBannerInput {
  gatewayUrl: string;
  token: string;
  openclawVersion: string;
  stateDir: string;
  gatewayHome: string;
  logFile: string;
  /** Each plugin, in order, and whether its artifact was installed on this start (else kept from the last). */
  plugins: Array<{ id: string; installed: boolean }>;
  model: ServerLine & { ref: string };
  kichiWorld: ServerLine;
  oomiBackend: ServerLine;
  /** The OpenMeow link, or why there is none. */
  openmeow: ServerLine | { error: string };
  next: string[];
}

/** The lines both banners end with: the local servers, the commands to paste, and the end marker. */
function serversAndNext(input: Pick<LocalBannerInput, "kichiWorld" | "oomiBackend" | "openmeow" | "next">): string[] {
  return [
    serverRow("kichi", input.kichiWorld),
    serverRow("oomi", input.oomiBackend),
    "error" in input.openmeow ? row("openmeow", `not started: ${input.openmeow.error}`) : serverRow("openmeow", input.openmeow),
    "next (paste in the repository folder):",
    ...input.next.map((command) => `  ${command}`),
    BANNER_END,
    "",
  ];
}

export function gatewayBanner(input: GatewayBannerInput): string {
  const installed = input.plugins.filter((p) => p.installed).map((p) => p.id);
  const how = installed.length === 0 ? "all unchanged since the last start" : `installed now: ${installed.join(", ")}`;
  return [
    `clawbridge in a real OpenClaw gateway (openclaw ${input.openclawVersion}) listening on ${input.gatewayUrl}`,
    row("token", input.token),
    row("state", `${input.stateDir} (gateway home ${input.gatewayHome}, log ${input.logFile})`),
    row("plugins", `${input.plugins.map((p) => p.id).join(", ")} (from their packed artifacts; ${how})`),
    row("model", `${input.model.ref} at ${input.model.url} (${input.model.note})`),
    ...serversAndNext(input),
  ].join("\n");
}

export interface LocalBannerInput {
  url: string;
  token: string;
  stateDir: string;
  plugins: string[];
  tools: string[];
  publicRoutes: string[];
  kichiWorld: ServerLine;
  oomiBackend: ServerLine;
  openmeow: ServerLine | { error: string };
  next: string[];
}

export function localBanner(input: LocalBannerInput): string {
  return [
    `clawbridge local host (LocalHost, no gateway) listening on ${input.url}`,
    row("token", input.token),
    row("state", input.stateDir),
    row("plugins", input.plugins.join(", ")),
    row("tools", input.tools.join(", ")),
    ...(input.publicRoutes.length > 0
      ? [row("public", `${input.publicRoutes.join(", ")} (no host token; the plugin's own check applies)`)]
      : []),
    ...serversAndNext(input),
  ].join("\n");
}
