import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { OpenClawBinding, OpenClawSessionConfig } from "@clawbridge/contracts";
import { node24Binary, openclawLauncher } from "../openclaw.mjs";
import {
  type GatewayModel,
  gatewayEnv,
  installPlugins,
  startGatewayProcess,
  stopProcessTree,
  writeGatewayConfig,
} from "../openclaw-gateway.mjs";

export { type GatewayModel, node24Binary, openclawLauncher };

export interface GatewayPlugin {
  /** A plugin package folder with `openclaw.plugin.json`, `package.json` and a built `dist/`. */
  dir: string;
  /** `plugins.entries.<id>.config`. */
  config?: Record<string, unknown>;
  /** `plugins.entries.<id>.hooks.allowConversationAccess`, needed by plugins using conversation hooks. */
  allowConversationAccess?: boolean;
}

export interface StartGatewayOptions {
  plugins: GatewayPlugin[];
  /** The agents' default model; without one the gateway has no model and agent turns cannot run. */
  model?: GatewayModel;
  /**
   * `channels.<id>` config sections. Without any, the gateway starts no channel transports
   * (`OPENCLAW_SKIP_CHANNELS=1`: the plugin suites exercise tools and hooks); with some, channels start.
   */
  channels?: Record<string, Record<string, unknown>>;
  /** Agent ids the gateway knows besides its default agent (`agents.entries.<id>`), for multi-agent tests. */
  agents?: string[];
  /** `bindings`: with several agents OpenClaw starts a channel account only once one names its owner. */
  bindings?: OpenClawBinding[];
  /** `session` settings, e.g. `{ dmScope: "per-channel-peer" }` to give each sender a session of its own. */
  session?: OpenClawSessionConfig;
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
  /**
   * Kills the gateway's process tree with SIGKILL (a crash: no graceful shutdown) and starts it again
   * on the same port with the same home, token and plugins; resolves once it is ready again.
   */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
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
  const skipChannels: Record<string, string> = options.channels ? {} : { OPENCLAW_SKIP_CHANNELS: "1" };
  const env = gatewayEnv({ home, tmp, extra: { ...skipChannels, ...options.env } });
  const logFile = join(root, "gateway.log");
  let child: ChildProcess | undefined;
  let stopped = false;

  const cleanup = async () => {
    if (stopped) return;
    stopped = true;
    if (child) await stopProcessTree(child);
    await rm(root, { recursive: true, force: true });
  };

  try {
    // The artifacts users install (`pnpm plugins:pack`), installed the way the docs say.
    const installed = await installPlugins({
      plugins: options.plugins.map((plugin) => ({ dir: resolve(plugin.dir) })),
      home,
      env,
      artifactsDir: join(root, "artifacts"),
    });
    const pluginIds = installed.map(({ id }) => id);
    await writeGatewayConfig(home, {
      logFile,
      plugins: options.plugins.map((plugin, index) => ({
        id: pluginIds[index] as string,
        config: plugin.config,
        allowConversationAccess: plugin.allowConversationAccess,
      })),
      model: options.model,
      channels: options.channels,
      agents: options.agents,
      bindings: options.bindings,
      session: options.session,
    });

    const port = await freePort();
    const token = randomBytes(18).toString("hex");
    let output = "";
    const start = () => {
      const started = startGatewayProcess({
        home,
        env,
        port,
        token,
        readyTimeoutMs: options.readyTimeoutMs,
        onOutput: (text) => {
          output += text;
          if (process.env.CLAWBRIDGE_E2E_VERBOSE) process.stderr.write(text);
        },
      });
      child = started.child;
      return started;
    };
    const gateway = start();
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

    await gateway.ready;

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
      crashAndRestart: async () => {
        if (child) await stopProcessTree(child, { graceMs: 0, signal: "SIGKILL" });
        await start().ready;
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
