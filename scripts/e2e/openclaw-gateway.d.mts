import type { ChildProcess } from "node:child_process";
import type { OpenClawBinding, OpenClawConfig, OpenClawSessionConfig } from "@clawbridge/contracts";

/** A plugin package folder with `openclaw.plugin.json`, `package.json` and a built `dist/`. */
export interface GatewayPluginPackage {
  dir: string;
}

/** What a plugin's `plugins.entries.<id>` gets. */
export interface GatewayPluginEntry {
  id: string;
  /** `plugins.entries.<id>.config`. */
  config?: Record<string, unknown>;
  /** `plugins.entries.<id>.hooks.allowConversationAccess`, needed by plugins using conversation hooks. */
  allowConversationAccess?: boolean;
}

/**
 * An OpenAI-compatible model server the gateway's agents use by default (for example the local demo
 * model of `apps/demo-model`), registered as `models.providers.<providerId>` with `api: "openai-completions"`.
 */
export interface GatewayModel {
  /** The server's base URL including `/v1`; OpenClaw posts to `<baseUrl>/chat/completions`. */
  baseUrl: string;
  /** The model id the server answers to, without the provider prefix. */
  modelId: string;
  /** The name shown for it (default: the id). */
  modelName?: string;
  /** `models.providers.<providerId>` (default `clawbridge-demo`); the agents' default model is `<providerId>/<modelId>`. */
  providerId?: string;
}

export interface GatewaySettings {
  logFile?: string;
  plugins?: GatewayPluginEntry[];
  model?: GatewayModel;
  /** `channels.<id>` sections, each replacing the one already there. */
  channels?: Record<string, Record<string, unknown>>;
  /** Agent ids the gateway knows besides its default agent (`agents.entries.<id>`). */
  agents?: string[];
  /** `bindings` added to the ones already there: with several agents, each channel account needs an owner. */
  bindings?: OpenClawBinding[];
  /** `session` keys set over the ones already there (e.g. `dmScope`). */
  session?: OpenClawSessionConfig;
}

export interface InstalledPlugin {
  id: string;
  /** False when the artifact installed in the home already had this content. */
  installed: boolean;
}

export interface GatewayProcess {
  child: ChildProcess;
  ready: Promise<void>;
  /** What the gateway logged up to its ready line. */
  output(): string;
}

export { type PluginPackage, pluginPackages } from "../plugins/pack.mjs";
export function openclawVersion(): string;
export function gatewayConfigPath(home: string): string;
export function gatewayEnv(options: {
  home: string;
  tmp: string;
  base?: NodeJS.ProcessEnv;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv;
export function openclawCommand(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; signal?: AbortSignal; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }>;
export function installPlugins(options: {
  plugins: GatewayPluginPackage[];
  home: string;
  env: NodeJS.ProcessEnv;
  artifactsDir: string;
  signal?: AbortSignal;
  onInstall?: (id: string) => void;
}): Promise<InstalledPlugin[]>;
export function withDefaultModel(config: OpenClawConfig, model: GatewayModel): OpenClawConfig;
export function gatewayConfig(current: OpenClawConfig, settings: GatewaySettings): OpenClawConfig;
export function writeGatewayConfig(home: string, settings: GatewaySettings): Promise<OpenClawConfig>;
export function startGatewayProcess(options: {
  home: string;
  env: NodeJS.ProcessEnv;
  port: number;
  token: string;
  readyTimeoutMs?: number;
  onOutput?: (text: string) => void;
}): GatewayProcess;
export function descendantsOf(pid: number): number[];
export function processGone(pid: number): boolean;
export function stopProcessTree(child: ChildProcess, options?: { graceMs?: number; signal?: "SIGTERM" | "SIGKILL" }): Promise<void>;
