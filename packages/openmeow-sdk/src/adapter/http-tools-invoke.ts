import { ToolsInvokeAnswerSchema, type ToolsInvokeRequest } from "@clawbridge/contracts/openclaw";
import type { ToolInvokeParams, ToolInvokeResult } from "../gateway/types.js";
import type { FetchLike } from "./types.js";

export interface HttpToolsInvokeOptions {
  gateway?: string;
  token?: string;
  password?: string;
  fetch?: FetchLike;
}

/** `ws://host:port/x` → `http://host:port/tools/invoke` (and `wss` → `https`). */
export function toolsInvokeUrl(gateway: string): string {
  const url = new URL(gateway);
  if (url.protocol === "ws:") url.protocol = "http:";
  else if (url.protocol === "wss:") url.protocol = "https:";
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`gateway URL must be ws(s) or http(s): ${gateway}`);
  url.pathname = "/tools/invoke";
  url.search = "";
  url.hash = "";
  return url.toString();
}

/** Upstream's reading of the gateway option: `auto` means "discover it", which the HTTP fallback cannot. */
function explicitGateway(gateway: string | undefined): string | undefined {
  return gateway && gateway.trim() !== "" && gateway !== "auto" ? gateway : undefined;
}

/**
 * Invokes a tool over HTTP `POST /tools/invoke`, for gateways without the `tools.invoke` RPC. HTTP has
 * no per-call approval flow, so `confirm:true` is refused. The bearer is the password when given
 * (gateways in password mode reject the token), else the token. Only `json()` is asked of the
 * response, and a success's `result` is returned as sent, so any fetch and any gateway fit.
 */
export async function invokeToolOverHttp(
  name: string,
  params: ToolInvokeParams,
  options: HttpToolsInvokeOptions,
): Promise<ToolInvokeResult> {
  if (params.confirm === true) {
    throw new Error(
      "invokeTool: the OpenMeow HTTP tool fallback does not support confirm: true approvals (they need the tools.invoke RPC)",
    );
  }
  const gateway = explicitGateway(options.gateway);
  if (!gateway) {
    throw new Error(
      "invokeTool: the OpenMeow HTTP tool fallback requires an explicit Gateway URL (the gateway has no tools.invoke RPC); pass options.gateway",
    );
  }
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (!doFetch) throw new Error("invokeTool: no fetch implementation for the HTTP fallback");
  // Header names as upstream writes them: fetch doubles and proxies that read `headers.Authorization` see it.
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const secret = options.password ?? options.token;
  if (secret) headers.Authorization = `Bearer ${secret}`;
  const body: ToolsInvokeRequest = { tool: name, args: params.args ?? {} };
  if (params.sessionKey) body.sessionKey = params.sessionKey;
  if (params.agentId) body.agentId = params.agentId;
  if (params.idempotencyKey) body.idempotencyKey = params.idempotencyKey;
  const response = await doFetch(toolsInvokeUrl(gateway), { method: "POST", headers, body: JSON.stringify(body) });
  const json = await response.json().catch(() => undefined);
  const answer = ToolsInvokeAnswerSchema.safeParse(json);
  const httpOk = response.ok ?? (response.status >= 200 && response.status < 300);
  if (httpOk && answer.success && answer.data.ok) return { ok: true, toolName: name, output: answer.data.result, source: "http" };
  const error = answer.success && !answer.data.ok ? answer.data.error : undefined;
  return {
    ok: false,
    toolName: name,
    source: "http",
    error: {
      code: error?.type ?? `http_${response.status}`,
      message: error?.message ?? (response.statusText || `HTTP ${response.status}`),
    },
  };
}
