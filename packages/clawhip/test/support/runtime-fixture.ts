import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { parseConfigObject } from "../../src/route/config-file.js";
import { ClawhipRuntime, type ClawhipRuntimeOptions } from "../../src/runtime/clawhip-runtime.js";
import { WebhookReceiver } from "./webhook-receiver.js";

/** What a delivery test works with: a local webhook, a state folder, and the runtimes it started. */
export interface RuntimeFixture {
  readonly receiver: WebhookReceiver;
  readonly stateDir: string;
  /** Starts a runtime on this state folder from a config object (the TOML tables as JSON); a bad config throws. */
  start(config: Record<string, unknown>, options?: Omit<ClawhipRuntimeOptions, "config" | "stateDir">): Promise<ClawhipRuntime>;
  /** Stops a runtime before the test ends (a restart). */
  stop(runtime: ClawhipRuntime): Promise<void>;
}

/**
 * A fresh receiver and state folder around each test of the calling suite; every runtime started
 * through the fixture and still running is stopped after it.
 */
export function useRuntimeFixture(prefix: string): RuntimeFixture {
  let receiver: WebhookReceiver | undefined;
  let stateDir: string | undefined;
  const runtimes: ClawhipRuntime[] = [];
  beforeEach(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    stateDir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.stop();
    await receiver?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });
  const fixture: RuntimeFixture = {
    get receiver() {
      if (!receiver) throw new Error("the runtime fixture is used outside a test");
      return receiver;
    },
    get stateDir() {
      if (!stateDir) throw new Error("the runtime fixture is used outside a test");
      return stateDir;
    },
    async start(config, options = {}) {
      const parsed = parseConfigObject(config);
      if (!parsed.ok) throw new Error(parsed.error);
      const runtime = await ClawhipRuntime.start({ log: () => {}, ...options, config: parsed.config, stateDir: fixture.stateDir });
      runtimes.push(runtime);
      return runtime;
    },
    async stop(runtime) {
      // Not splice(indexOf(...)): for a runtime it does not hold, that would drop the last one from the cleanup.
      const at = runtimes.indexOf(runtime);
      if (at >= 0) runtimes.splice(at, 1);
      await runtime.stop();
    },
  };
  return fixture;
}
