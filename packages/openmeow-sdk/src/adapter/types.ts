import type { OpenClawEvent, RunResult, ToolInvokeParams, ToolInvokeResult } from "../gateway/types.js";

export interface OpenMeowLaneTarget {
  agentId: string;
  label?: string;
  sessionKey?: string;
}

export interface OpenMeowSendResult {
  runId: string;
  sessionKey: string;
  status?: string;
}

export type OpenMeowToolInvokeParams = ToolInvokeParams;
export type OpenMeowToolInvokeResult = ToolInvokeResult;

/** The adapter OpenMeow's UI talks to, independent of transport details. */
export interface OpenMeowSDKClient {
  connect(): Promise<void>;
  close(): Promise<void>;
  listAgents(): Promise<unknown>;
  getAgentIdentity(agentId: string): Promise<unknown>;
  createLaneSession(target: OpenMeowLaneTarget): Promise<{ sessionKey: string }>;
  send(sessionKey: string, message: string): Promise<OpenMeowSendResult>;
  /** The run's SDK events from its first one (replayed), ending after its terminal event. */
  events(runId: string): AsyncIterable<OpenClawEvent>;
  wait(runId: string, timeoutMs?: number): Promise<RunResult | unknown>;
  cancel(runId: string, sessionKey: string): Promise<unknown>;
  /** The tools the lane's agent may call; pass the lane's key (the gateway requires one). */
  effectiveTools(sessionKey?: string): Promise<unknown>;
  invokeTool(name: string, params?: OpenMeowToolInvokeParams): Promise<OpenMeowToolInvokeResult>;
  /** Answers an approval card (`exec.approval.resolve`). */
  respondApproval(approvalId: string, decision: "allow-once" | "allow-always" | "deny"): Promise<unknown>;
}

type Fn = (...args: never[]) => unknown;

/** Any object with the SDK's shape (the real `@openclaw/sdk`, our gateway client, a test double). */
export interface OpenClawLike {
  connect?: Fn;
  close?: Fn;
  agents?: { list?: Fn; get?: Fn };
  sessions?: { create?: Fn; send?: Fn; abort?: Fn };
  runs?: { events?: Fn; wait?: Fn; cancel?: Fn };
  tools?: { effective?: Fn; invoke?: Fn };
  approvals?: { respond?: Fn };
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok?: boolean; status: number; statusText?: string; json(): Promise<unknown> }>;

export interface OpenMeowSDKClientOptions {
  /** An SDK-shaped client to wrap; when omitted the adapter builds an `OpenClawGatewayClient`. */
  openClaw?: OpenClawLike;
  /** Gateway URL (`ws://` or `http://`); also the base of the HTTP `/tools/invoke` fallback. */
  gateway?: string;
  token?: string;
  password?: string;
  /** WebSocket constructor for the built-in client (browser default: the global one). */
  WebSocket?: import("../gateway/protocol-client.js").WebSocketConstructor;
  fetch?: FetchLike;
  scopes?: string[];
  /** The device identity that signs `connect` (the browser entry: one per browser; Node: one per process). */
  device?: () => Promise<import("../gateway/device-identity.js").DeviceIdentity>;
  /** The client id and mode `connect` declares (the browser entry: `webchat-ui`/`webchat`). */
  clientId?: import("@clawbridge/contracts").GatewayConnectParams["client"]["id"];
  clientMode?: import("@clawbridge/contracts").GatewayConnectParams["client"]["mode"];
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Reconnecting after a dropped connection (backoff with jitter; on unless `false`). */
  reconnect?: import("../gateway/backoff.js").ReconnectOptions | false;
  /** Called before each reconnect attempt. */
  onReconnecting?: (info: { attempt: number; delayMs: number; code: number; reason: string }) => void;
  /** Called when a reconnect succeeded; `recovering` lists the followed runs being recovered. */
  onReconnected?: (info: { attempts: number; recovering: string[] }) => void;
  /** Called when the connection is lost for good (reconnecting off, or it gave up). */
  onClose?: (info: { code: number; reason: string }) => void;
}
