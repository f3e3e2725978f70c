export { ActionInvocationError, isActionInvocationError } from "./action-invocation-error.js";
export { findUncrossable } from "./crossable.js";
export { type ActionRegistry, createActionRegistry, type DispatchOptions, LocalActionRegistry } from "./registry.js";
export { type RunActionOptions, runAction } from "./run-action.js";
