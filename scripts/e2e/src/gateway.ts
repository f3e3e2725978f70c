import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { packPlugin } from "../../plugins/pack.mjs";
import { node24Binary, openclawEnv, openclawLauncher } from "../openclaw.mjs";

export { node24Binary, openclawLauncher };

const execFileAsync = promisify(execFile);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the gateway colours its log lines
const ANSI_ESCAPES = /\x1b\[[0-9;]*m/g;

export interface GatewayPlugin {
  /** A plugin package folder with `openclaw.plugin.json`, `package.json` and a built `dist/`. */
  dir: string;
  /** `plugins.entries.<id>.config`. */
  config?: Record<string, unknown>;
  /** `plugins.entries.<id>.hooks.allowConversationAccess`, needed by plugins using conversation hooks. */
  allowConversationAccess?: boolean;
}

/**
 * An OpenAI-compatible model server the gateway's agents use by default (for example the local demo
 * model of `apps/demo-model`), registered as `models.providers.<providerId>` with
 * `api: "openai-completions"`.
 */
export interface GatewayModel {
  /** The server's base URL including `/v1`; OpenClaw posts to `<baseUrl>/chat/completions`. */
  baseUrl: string;
  /** The model id the server answers to, without the provider prefix. */
  modelId: string;
  /** `models.providers.<providerId>`; the agents' default model is `<providerId>/<modelId>`. */
  providerId?: string;
}

export interface StartGatewayOptions {
  plugins: GatewayPlugin[];
  /** The agents' default model; without one the gateway has no model and agent turns cannot run. */
  model?: GatewayModel;
  /** Extra environment for the gateway (e.g. URLs of local reference servers). */
  env?: Record<string, string>;
  /** Bound on the wait for the gateway to become ready. */
  readyTimeoutMs?: number;
}

export interface InvokeToolOptions {
  sessionKey?: string;
  agentId?: string;
}

export interface HttpReply {
  status: number;
  body: unknown;
}

export interface RunningGateway {
  url: string;
  wsUrl: string;
  port: number;
  token: string;
  home: string;
  /** The plugin ids installed, in order. */
  pluginIds: string[];
  invokeTool(name: string, args?: unknown, options?: InvokeToolOptions): Promise<HttpReply>;
  /** POST `/tools/invoke` with any body and headers, for testing the envelope itself. */
  post(path: string, body: string, headers?: Record<string, string>): Promise<HttpReply>;
  logs(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The environment without what the test runner adds (VITEST, NODE_ENV=test, NODE_OPTIONS, …):
 * OpenClaw reads those as "running under a test" and, among other things, stops logging.
 */
function outsideTestRunner(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const runnerKeys = new Set(["NODE_ENV", "NODE_OPTIONS", "NODE_PATH", "TEST", "MODE", "SSR", "DEV", "PROD", "BASE_URL"]);
  return Object.fromEntries(Object.entries(env).filter(([key]) => !runnerKeys.has(key) && !/^(VITEST|TINYPOOL|__VITEST)/.test(key)));
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolvePromise(address.port) : reject(new Error("no port"))));
    });
  });
}

function onceExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once("exit", () => resolvePromise()));
}

/** Every process below `pid`, read from /proc: helpers may sit in process groups of their own. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
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
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // The group is already gone.
  }
}

/** A non-secret marker: OpenClaw accepts one as the key of a provider whose `baseUrl` is on loopback. */
const LOCAL_MODEL_API_KEY = "clawbridge-local";

/**
 * `models.providers.<id>` for an OpenAI-compatible local server and `agents.defaults.model.primary`
 * pointing at it (keys from openclaw's `docs/gateway/config-tools/custom-providers.md`).
 */
function withDefaultModel(config: Record<string, any>, model: GatewayModel): Record<string, any> {
  const providerId = model.providerId ?? "clawbridge-demo";
  return {
    models: {
      ...(config.models ?? {}),
      mode: "merge",
      providers: {
        ...(config.models?.providers ?? {}),
        [providerId]: {
          baseUrl: model.baseUrl,
          apiKey: LOCAL_MODEL_API_KEY,
          api: "openai-completions",
          models: [{ id: model.modelId, name: model.modelId, reasoning: false, input: ["text"] }],
        },
      },
    },
    agents: {
      ...(config.agents ?? {}),
      defaults: { ...(config.agents?.defaults ?? {}), model: { primary: `${providerId}/${model.modelId}` } },
    },
  };
}

/**
 * Starts a real OpenClaw gateway on loopback with the given plugins installed, in a throwaway state
 * folder (HOME, OPENCLAW_HOME and TMPDIR all inside it). `stop()` ends the whole process group and
 * removes the folder; call it from `afterAll` so a failing test still cleans up.
 */
export async function startOpenClawGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const root = await mkdtemp(join(tmpdir(), "clawbridge-gateway-"));
  const home = join(root, "home");
  const tmp = join(root, "tmp");
  await mkdir(home, { recursive: true });
  await mkdir(tmp, { recursive: true });
  const node = node24Binary();
  const launcher = openclawLauncher();
  const env: NodeJS.ProcessEnv = {
    ...openclawEnv(outsideTestRunner(process.env)),
    HOME: home,
    OPENCLAW_HOME: home,
    TMPDIR: tmp,
    OPENCLAW_SKIP_CHANNELS: "1",
    OPENCLAW_DISABLE_BONJOUR: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...options.env,
  };
  const logFile = join(root, "gateway.log");
  let child: ChildProcess | undefined;
  let stopped = false;

  const cleanup = async () => {
    if (stopped) return;
    stopped = true;
    if (child?.pid !== undefined) {
      const tree = descendantsOf(child.pid);
      killGroup(child, "SIGTERM");
      const exited = onceExited(child);
      const timer = setTimeout(() => child && killGroup(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      signal(tree, "SIGKILL");
    }
    await rm(root, { recursive: true, force: true });
  };

  try {
    const openclaw = (args: string[]) =>
      execFileAsync(node, [launcher, ...args], { env, cwd: home, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    const configPath = join(home, ".openclaw", "openclaw.json");
    const pluginIds: string[] = [];
    for (const plugin of options.plugins) {
      // The artifact users install (`pnpm plugins:pack`), installed the way the docs say.
      const { id, tarball } = await packPlugin(resolve(plugin.dir), join(root, "artifacts"));
      await openclaw(["plugins", "install", tarball, "--force", "--accept-capabilities"]);
      pluginIds.push(id);
    }
    // One write of the settings the tests need; `openclaw config set` costs seconds per key.
    const config = JSON.parse(await readFile(configPath, "utf8").catch(() => "{}")) as Record<string, any>;
    config.gateway = { ...(config.gateway ?? {}), mode: "local" };
    config.logging = { ...(config.logging ?? {}), file: logFile };
    config.plugins ??= {};
    config.plugins.entries ??= {};
    options.plugins.forEach((plugin, index) => {
      const id = pluginIds[index] as string;
      config.plugins.entries[id] ??= { enabled: true };
      const entry = config.plugins.entries[id];
      if (plugin.config) entry.config = plugin.config;
      if (plugin.allowConversationAccess) entry.hooks = { ...(entry.hooks ?? {}), allowConversationAccess: true };
    });
    if (options.model) Object.assign(config, withDefaultModel(config, options.model));
    await mkdir(dirname(configPath), { recursive: true });
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);

    const port = await freePort();
    const token = randomBytes(18).toString("hex");
    child = spawn(node, [launcher, "gateway", "run", "--bind", "loopback", "--port", String(port), "--auth", "token", "--token", token], {
      env,
      cwd: home,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const running = child;
    const ready = new Promise<void>((resolveReady, rejectReady) => {
      const timer = setTimeout(
        () => rejectReady(new Error(`gateway not ready within ${options.readyTimeoutMs ?? 120_000} ms:\n${output.slice(-4000)}`)),
        options.readyTimeoutMs ?? 120_000,
      );
      const onData = (chunk: Buffer) => {
        const text = chunk.toString().replace(ANSI_ESCAPES, "");
        output += text;
        if (process.env.CLAWBRIDGE_E2E_VERBOSE) process.stderr.write(text);
        if (/\[gateway\] ready/.test(output)) {
          clearTimeout(timer);
          resolveReady();
        }
      };
      running.stdout?.on("data", onData);
      running.stderr?.on("data", onData);
      running.once("exit", (code) => {
        clearTimeout(timer);
        rejectReady(new Error(`gateway exited with code ${code} before it was ready:\n${output.slice(-4000)}`));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const post = async (path: string, body: string, headers: Record<string, string> = {}): Promise<HttpReply> => {
      const response = await fetch(`${url}${path}`, { method: "POST", body, headers });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Non-JSON bodies are returned as text.
      }
      return { status: response.status, body: parsed };
    };
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };

    await ready;

    return {
      url,
      wsUrl: `ws://127.0.0.1:${port}`,
      port,
      token,
      home,
      pluginIds,
      invokeTool: (name, args = {}, invokeOptions = {}) =>
        post("/tools/invoke", JSON.stringify({ tool: name, args, ...invokeOptions }), auth),
      post,
      logs: async () => `${output}\n${await readFile(logFile, "utf8").catch(() => "")}`,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
