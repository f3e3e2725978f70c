import { describe, expect, it } from "vitest";
import type { RawIngress } from "../runtime/clawhip-runtime.js";
import { IngressBatcher } from "./ingress-batcher.js";

const item = (text: string): RawIngress => ({ surface: "event", text });

describe("IngressBatcher", () => {
  it("hands the submissions of one turn to one call, in order, and answers each with its own reply", async () => {
    const calls: string[][] = [];
    const batcher = new IngressBatcher(async (items) => {
      calls.push(items.map((i) => i.text));
      return items.map((i) => ({ status: 202, body: i.text.toUpperCase() }));
    });
    const first = await Promise.all(["a", "b", "c"].map((t) => batcher.submit(item(t))));
    expect(first).toEqual([
      { status: 202, body: "A" },
      { status: 202, body: "B" },
      { status: 202, body: "C" },
    ]);
    await batcher.submit(item("d"));
    expect(calls).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("fails every submission of a batch whose processing throws or rejects, and keeps working", async () => {
    let mode: "throw" | "reject" | "ok" = "throw";
    const batcher = new IngressBatcher((items) => {
      if (mode === "throw") throw new Error("boom");
      if (mode === "reject") return Promise.reject(new Error("spool gone"));
      return Promise.resolve(items.map(() => ({ status: 202, body: null })));
    });
    await expect(Promise.all([batcher.submit(item("a")), batcher.submit(item("b"))])).rejects.toThrow("boom");
    mode = "reject";
    const settled = await Promise.allSettled([batcher.submit(item("a")), batcher.submit(item("b"))]);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected"]);
    mode = "ok";
    expect(await batcher.submit(item("c"))).toEqual({ status: 202, body: null });
  });
});
