import { afterEach, describe, expect, it } from "vitest";
import {
  type CurrentActionContext,
  getCurrentActionContext,
  runWithCurrentActionContext,
  setCurrentActionContextResolver,
  setCurrentActionContextRunner,
} from "./current-action-context.js";

afterEach(() => {
  setCurrentActionContextResolver(null);
  setCurrentActionContextRunner(null);
});

describe("the current-action context, built in", () => {
  it("holds a patch for the async chain of fn, layered over the outer one, and ends with it", async () => {
    expect(getCurrentActionContext()).toBeUndefined();
    const inner = await runWithCurrentActionContext({ agentName: "main", sessionId: "s1" }, async () => {
      await Promise.resolve();
      return runWithCurrentActionContext({ sessionId: "s2", channelContext: { channel: "telegram", threadId: "42" } }, async () =>
        getCurrentActionContext(),
      );
    });
    expect(inner).toEqual({ agentName: "main", sessionId: "s2", channelContext: { channel: "telegram", threadId: "42" } });
    expect(getCurrentActionContext()).toBeUndefined();
  });

  it("keeps concurrent runs apart", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runs = ["a", "b"].map((agentName) =>
      runWithCurrentActionContext({ agentName }, async () => {
        await gate;
        return getCurrentActionContext()?.agentName;
      }),
    );
    release();
    expect(await Promise.all(runs)).toEqual(["a", "b"]);
  });

  it("refuses a patch that is not an object", async () => {
    await expect(runWithCurrentActionContext(null as unknown as CurrentActionContext, async () => 1)).rejects.toThrow(
      "a current-action context patch must be an object",
    );
  });
});

describe("the current-action context, plugged in by a host", () => {
  it("answers from the host's resolver and establishes contexts through the host's runner", async () => {
    const host: CurrentActionContext[] = [{ agentName: "host-agent" }];
    setCurrentActionContextResolver(() => host.at(-1));
    setCurrentActionContextRunner(async (patch, fn) => {
      host.push({ ...host.at(-1), ...patch });
      try {
        return await fn();
      } finally {
        host.pop();
      }
    });
    expect(getCurrentActionContext()).toEqual({ agentName: "host-agent" });
    const seen = await runWithCurrentActionContext({ channelThreadKey: "discord:c1" }, async () => getCurrentActionContext());
    expect(seen).toEqual({ agentName: "host-agent", channelThreadKey: "discord:c1" });
    expect(host).toHaveLength(1);

    setCurrentActionContextResolver(null);
    setCurrentActionContextRunner(null);
    expect(getCurrentActionContext()).toBeUndefined();
  });

  it("answers from a resolver a Rome host set under its own global key (another copy of the runtime)", () => {
    const hostRegistry = globalThis as Record<symbol, unknown>;
    hostRegistry[Symbol.for("rome.appRuntime.currentActionContextResolver")] = () => ({ agentName: "from-host" });
    expect(getCurrentActionContext()).toEqual({ agentName: "from-host" });
  });
});
