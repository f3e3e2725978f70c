import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firstStartOf, invocationErrorOf } from "../../test/support.js";
import { runAction } from "../invocation/run-action.js";
import { type ActionWorker, forkActionWorker } from "./action-worker.js";

const fixtures = resolve(import.meta.dirname, "../../test/fixtures");
const workers: ActionWorker[] = [];

async function start(onActionStart?: (name: string) => void): Promise<ActionWorker> {
  const worker = await forkActionWorker({ module: resolve(fixtures, "worker-actions.ts"), ...(onActionStart ? { onActionStart } : {}) });
  workers.push(worker);
  return worker;
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
});

describe("runAction in a forked worker", () => {
  it("runs the action in the child process and returns its result", async () => {
    const worker = await start();
    expect(worker.actions).toEqual(["echo", "boom", "stamp", "wait_for_cancel", "babble", "count_up", "emit_date", "crash"]);
    const result = await runAction(worker, "echo", { text: "hi" });
    expect(result).toEqual({ status: "ok", data: { text: "hi", pid: worker.pid } });
    expect(worker.pid).not.toBe(process.pid);
  });

  it("gives the same codes as in process: not_found, handler_error, unserializable result, invalid input as a result", async () => {
    const worker = await start();
    const missing = await invocationErrorOf(runAction(worker, "nope"));
    expect(missing).toMatchObject({ actionName: "nope", code: "not_found" });

    const thrown = await invocationErrorOf(runAction(worker, "boom"));
    expect(thrown).toMatchObject({ actionName: "boom", code: "handler_error" });
    expect(thrown.message).toContain("the disk is full");

    const dated = await invocationErrorOf(runAction(worker, "stamp"));
    expect(dated).toMatchObject({ actionName: "stamp", code: "unserializable" });
    expect(dated.message).toContain("result.data.at is a Date object");

    expect(await runAction(worker, "echo", { text: 5 })).toMatchObject({ status: "error" });
    // The worker is still alive after all of that.
    expect(await runAction(worker, "echo", { text: "still here" })).toMatchObject({ status: "ok" });
  });

  it("refuses args that cannot cross before anything is sent", async () => {
    const worker = await start();
    const error = await invocationErrorOf(runAction(worker, "echo", { text: "x", onDone: () => 1 }));
    expect(error).toMatchObject({ actionName: "echo", code: "unserializable" });
    expect(error.message).toContain("args.onDone is a function");
  });

  it("a child killed mid-action fails the call with worker_failure, and so does every later call", async () => {
    const { started, notify } = firstStartOf("wait_for_cancel");
    const worker = await start(notify);
    const running = runAction(worker, "wait_for_cancel");
    await started;
    process.kill(worker.pid as number, "SIGKILL");
    const error = await invocationErrorOf(running);
    expect(error).toMatchObject({ actionName: "wait_for_cancel", code: "worker_failure" });
    expect(error.message).toContain("SIGKILL");

    const later = await invocationErrorOf(runAction(worker, "echo", { text: "x" }));
    expect(later).toMatchObject({ actionName: "echo", code: "worker_failure" });
  });

  it("a child that crashes inside the action fails the call with worker_failure", async () => {
    const worker = await start();
    const error = await invocationErrorOf(runAction(worker, "crash"));
    expect(error).toMatchObject({ actionName: "crash", code: "worker_failure" });
    expect(error.message).toContain("exited with code 3");
  });

  it("a child that breaks the IPC protocol is stopped, failing the call with worker_failure", async () => {
    const worker = await start();
    const error = await invocationErrorOf(runAction(worker, "babble"));
    expect(error).toMatchObject({ actionName: "babble", code: "worker_failure" });
    expect(error.message).toContain("malformed reply");
    expect(worker.death).toContain("malformed reply");
  });

  it("passes cancellation through unwrapped, and the worker goes on", async () => {
    const { started, notify } = firstStartOf("wait_for_cancel");
    const worker = await start(notify);
    const controller = new AbortController();
    const running = runAction(worker, "wait_for_cancel", {}, { signal: controller.signal });
    await started;
    const reason = new Error("user pressed stop");
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(await runAction(worker, "echo", { text: "after cancel" })).toMatchObject({ status: "ok" });
  });

  it("fails to start with a clear error when the module exports no actions", async () => {
    await expect(forkActionWorker({ module: resolve(fixtures, "not-actions.ts") })).rejects.toThrow(
      /could not load .*must export `actions`/,
    );
    await expect(forkActionWorker({ module: resolve(fixtures, "missing.ts") })).rejects.toThrow(/could not load/);
    await expect(forkActionWorker({ module: resolve(fixtures, "never-loads.ts"), startTimeoutMs: 1500 })).rejects.toThrow(
      /did not load within 1500 ms/,
    );
  });
});
