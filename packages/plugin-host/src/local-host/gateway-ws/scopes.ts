/**
 * The operator scope each Gateway method of the local subset requires (from the protocol schema). A
 * `Map`, because the method name comes from the client: `constructor` must be no method, not a scope.
 */
export const GATEWAY_METHOD_SCOPES: ReadonlyMap<string, string> = new Map([
  ["agents.list", "operator.read"],
  ["agent.identity.get", "operator.read"],
  ["tools.effective", "operator.read"],
  ["tools.catalog", "operator.read"],
  ["sessions.create", "operator.write"],
  ["sessions.send", "operator.write"],
  ["chat.send", "operator.write"],
  ["agent.wait", "operator.write"],
  ["sessions.abort", "operator.write"],
  ["tools.invoke", "operator.write"],
  ["exec.approval.resolve", "operator.approvals"],
]);

/** `operator.admin` grants everything; `operator.write` also grants `operator.read`. */
export function grantsScope(granted: readonly string[], required: string): boolean {
  return (
    granted.includes("operator.admin") || granted.includes(required) || (required === "operator.read" && granted.includes("operator.write"))
  );
}
