// Reading who an action runs for, and running nested work with more context.
import {
  type CurrentActionContext,
  type CurrentActionContextPatch,
  getCurrentActionContext,
  runWithCurrentActionContext,
  setCurrentActionContextResolver,
  setCurrentActionContextRunner,
} from "@rome-os/app-runtime";

let current: CurrentActionContext | undefined;

export function install(): void {
  setCurrentActionContextResolver(() => current);
  setCurrentActionContextRunner(async (patch, fn) => {
    const before = current;
    current = { ...before, ...patch };
    try {
      return await fn();
    } finally {
      current = before;
    }
  });
}

export function uninstall(): void {
  setCurrentActionContextResolver(null);
  setCurrentActionContextRunner(null);
}

export async function whoAsks(): Promise<string> {
  const patch: CurrentActionContextPatch = {
    agentName: "main",
    sessionId: "s1",
    channelContext: { channel: "telegram", threadId: "42" },
    sharedContext: { locale: "en" },
  };
  return runWithCurrentActionContext(patch, async () => {
    const context = getCurrentActionContext();
    return `${context?.agentName ?? "?"} in ${context?.channelContext?.channel ?? "?"} (${context?.channelThreadKey ?? "no key"})`;
  });
}
