import type { PluginRegistrations } from "../plugin-types.js";
import { errorMessage } from "../tool-result.js";

export interface GatewayCallResult {
  ok: boolean;
  payload?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

/**
 * Calls the gateway method a plugin registered, with the given operator scopes, as the gateway answers a
 * WebSocket client: an unknown method and a missing scope are refused with the gateway's codes, and a
 * handler that throws answers `UNAVAILABLE`.
 */
export function callPluginGatewayMethod(
  plugins: readonly { registrations: Pick<PluginRegistrations, "gatewayMethods"> }[],
  method: string,
  params: Record<string, unknown>,
  scopes: readonly string[],
): Promise<GatewayCallResult> {
  const registered = plugins.map((p) => p.registrations.gatewayMethods.get(method)).find(Boolean);
  if (!registered) return Promise.resolve({ ok: false, error: { code: "INVALID_REQUEST", message: `unknown method: ${method}` } });
  const granted =
    scopes.includes("operator.admin") ||
    scopes.includes(registered.scope) ||
    (registered.scope === "operator.read" && scopes.includes("operator.write"));
  if (!granted) {
    return Promise.resolve({
      ok: false,
      error: {
        code: "FORBIDDEN",
        message: `missing scope: ${registered.scope}`,
        details: { code: "MISSING_SCOPE", missingScope: registered.scope, requiredScopes: [registered.scope] },
      },
    });
  }
  return new Promise<GatewayCallResult>((resolvePromise) => {
    const respond = (ok: boolean, payload?: unknown, error?: { code: string; message: string }) =>
      resolvePromise(ok ? { ok, payload } : { ok, error: error ?? { code: "UNAVAILABLE", message: "request failed" } });
    Promise.resolve(
      registered.handler({ req: { type: "req", id: "local", method, params }, params, client: null, respond } as never),
    ).catch((error) => resolvePromise({ ok: false, error: { code: "UNAVAILABLE", message: errorMessage(error) } }));
  });
}
