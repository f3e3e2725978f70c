export { ActionInvocationError, isActionInvocationError } from "./action-invocation-error.js";
export { findUncrossable } from "./crossable.js";
export { ActionInvocationEventOverflowError } from "./events.js";
export { type ActionRegistry, createActionRegistry, type DispatchOptions, LocalActionRegistry } from "./registry.js";
export {
  type DetachedRunActionOptions,
  type DetachedRunOutcome,
  type InvokeActionOptions,
  invokeAction,
  type RunActionOptions,
  runAction,
} from "./run-action.js";
