import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { OomiRuntimeStateSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkJsonSchema } from "./json-schema-check.js";
import { RUNTIME_STATE_JSON_SCHEMA } from "./runtime-state.schema.js";

const valid = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../test/fixtures/runtime-state.sample.json"), "utf8")) as Record<
  string,
  unknown
>;

describe("runtime.json check without zod", () => {
  it("is exactly the JSON Schema generated from OomiRuntimeStateSchema (regenerate runtime-state.schema.ts on drift)", () => {
    const { $schema: _ignored, ...generated } = z.toJSONSchema(OomiRuntimeStateSchema, { io: "input" }) as Record<string, unknown>;
    expect(RUNTIME_STATE_JSON_SCHEMA).toEqual(generated);
  });

  it("agrees with the zod contract on valid and invalid documents", () => {
    const cases: unknown[] = [
      valid,
      { ...valid, pid: null, status: "stopped", stoppedAt: "x", extra: true },
      { ...valid, localPort: 0 },
      { ...valid, localPort: "4789" },
      { ...valid, slug: "../x" },
      { ...valid, transport: "carrier" },
      { ...valid, pid: -1 },
      { ...valid, pid: 1.5 },
      { ...valid, entryUrl: "not a url" },
      { ...valid, devCommand: { command: "npm" } },
      { ...valid, devCommand: { command: "npm", args: [1] } },
      { ...valid, workspacePath: "" },
      { ...valid, processStartToken: "linux:boot:12345" },
      { ...valid, processStartToken: "" },
      { ...valid, processStartToken: 12345 },
      (({ status: _s, ...rest }) => rest)(valid),
      null,
      [],
      "text",
    ];
    for (const doc of cases) {
      const zodOk = OomiRuntimeStateSchema.safeParse(doc).success;
      const issues = checkJsonSchema(RUNTIME_STATE_JSON_SCHEMA, doc);
      expect(issues.length === 0, JSON.stringify(doc)).toBe(zodOk);
    }
    expect(checkJsonSchema(RUNTIME_STATE_JSON_SCHEMA, { ...valid, localPort: 0 })).toEqual(["localPort: below 1"]);
  });
});
