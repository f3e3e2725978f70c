import { ToolsInvokeResponseSchema } from "@clawbridge/contracts";
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

/**
 * Invokes a tool over HTTP `POST /tools/invoke`, for gateways without the `tools.invoke` RPC. HTTP has
 * no per-call approval flow, so `confirm:true` is refused. The bearer is the password when given
 * (gateways in password mode reject the token), else the token. Both envelopes map to one shape.
 */
export async function invokeToolOverHttp(
  name: string,
  params: ToolInvokeParams,
  options: HttpToolsInvokeOptions,
): Promise<ToolInvokeResult> {
  if (params.confirm === true) {
    throw new Error("invokeTool: confirm:true needs the gateway tools.invoke RPC; the HTTP /tools/invoke fallback has no approval flow");
  }
  if (!options.gateway)
    throw new Error("invokeTool: the gateway has no tools.invoke RPC and no gateway URL was given for the HTTP fallback");
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (!doFetch) throw new Error("invokeTool: no fetch implementation for the HTTP fallback");
  const headers: Record<string, string> = { "content-type": "application/json" };
  const secret = options.password ?? options.token;
  if (secret) headers.authorization = `Bearer ${secret}`;
  const body: Record<string, unknown> = { tool: name, args: params.args ?? {} };
  if (params.sessionKey) body.sessionKey = params.sessionKey;
  if (params.agentId) body.agentId = params.agentId;
  if (params.idempotencyKey) body.idempotencyKey = params.idempotencyKey;
  const response = await doFetch(toolsInvokeUrl(options.gateway), { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = ToolsInvokeResponseSchema.safeParse(json);
  if (parsed.success && parsed.data.ok) return { ok: true, toolName: name, output: parsed.data.result, source: "http" };
  const error = parsed.success && !parsed.data.ok ? parsed.data.error : undefined;
  return {
    ok: false,
    toolName: name,
    source: "http",
    error: {
      code: error?.type ?? `http_${response.status}`,
      message: error?.message ?? (text.trim().slice(0, 200) || `HTTP ${response.status}`),
    },
  };
}
