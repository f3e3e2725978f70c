import type { DeliveryRuntime } from "../runtime/delivery-runtime.js";

/**
 * Where the running delivery runtime is kept, shared by every registration of the plugin in one
 * process. OpenClaw calls `register()` more than once per gateway: openclaw 2026.9.6 starts the
 * services of its `full` registration but runs `agent_end` on the hooks of a later `discovery`
 * registration (seen in `test/e2e/gateway.test.ts`), so a runtime held in one register() closure
 * is invisible to the hooks that report real runs. The slots live on `globalThis` under a
 * registry symbol so that a second evaluation of this module finds the same ones.
 */
export interface RuntimeSlot {
  current(): DeliveryRuntime | undefined;
  set(runtime: DeliveryRuntime): void;
  /** Empties the slot if it still holds `runtime` (a newer registration may have replaced it). */
  clear(runtime: DeliveryRuntime): void;
  /** The runtime as soon as one runs, or undefined when none does within `timeoutMs`. */
  whenRunning(timeoutMs: number): Promise<DeliveryRuntime | undefined>;
}

const SLOTS = Symbol.for("clawbridge.clawhip.runtime-slots");

type SlotTable = Map<string, RuntimeSlot>;

function slotTable(): SlotTable {
  const holder = globalThis as { [SLOTS]?: SlotTable };
  holder[SLOTS] ??= new Map();
  return holder[SLOTS];
}

function createSlot(): RuntimeSlot {
  let runtime: DeliveryRuntime | undefined;
  const waiters = new Set<(runtime: DeliveryRuntime) => void>();
  return {
    current: () => runtime,
    set(next) {
      runtime = next;
      for (const wake of waiters) wake(next);
      waiters.clear();
    },
    clear(stopped) {
      if (runtime === stopped) runtime = undefined;
    },
    whenRunning(timeoutMs) {
      if (runtime) return Promise.resolve(runtime);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(undefined);
        }, timeoutMs);
        timer.unref?.();
        const wake = (started: DeliveryRuntime) => {
          clearTimeout(timer);
          resolve(started);
        };
        waiters.add(wake);
      });
    },
  };
}

/**
 * The slot for one plugin configuration. Registrations of the same gateway see the same settings,
 * so the key (derived from them by the caller) joins them; two hosts with different settings in
 * one process (tests) keep separate runtimes.
 */
export function runtimeSlot(key: string): RuntimeSlot {
  const table = slotTable();
  let slot = table.get(key);
  if (!slot) {
    slot = createSlot();
    table.set(key, slot);
  }
  return slot;
}
