import { OomiRuntimeStateSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkJsonSchema } from "./json-schema-check.js";
import { RUNTIME_STATE_JSON_SCHEMA } from "./runtime-state.schema.js";

const valid = {
  slug: "tokyo-guide",
  name: "Tokyo Guide",
  description: "d",
  workspacePath: "/w/tokyo-guide",
  templateVersion: "v1",
  localPort: 4789,
  localEndpoint: "http://127.0.0.1:4789",
  reachableEndpoint: "http://192.168.1.2:4789",
  bindHost: "0.0.0.0",
  reachableHost: "192.168.1.2",
  endpoint: "http://127.0.0.1:4789",
  entryUrl: "http://192.168.1.2:4789",
  transport: "local",
  healthcheckUrl: "http://127.0.0.1:4789/webspatial/avp/oomi.health.json",
  pid: 1234,
  logFilePath: "/w/tokyo-guide/.oomi/runtime.log",
  status: "running",
  lastStartedAt: "2026-11-21T00:00:00.000Z",
  devCommand: { command: "npm", args: ["run", "dev"] },
};

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
