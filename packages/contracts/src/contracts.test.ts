import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CliEnvelopeSchema,
  cliEnvelopeOf,
  HostConfigSchema,
  PluginManifestSchema,
  ToolPayloadSchema,
  ToolsInvokeAnswerSchema,
  ToolsInvokeRequestSchema,
  ToolsInvokeResponseSchema,
} from "./index.js";

describe("contracts", () => {
  it("accepts the gateway's /tools/invoke envelopes and rejects malformed ones", () => {
    expect(
      ToolsInvokeResponseSchema.safeParse({ ok: true, result: { content: [{ type: "text", text: "{}" }], details: {} } }).success,
    ).toBe(true);
    expect(ToolsInvokeResponseSchema.safeParse({ ok: false, error: { type: "not_found", message: "Tool not available: x" } }).success).toBe(
      true,
    );
    expect(ToolsInvokeResponseSchema.safeParse({ ok: false }).success).toBe(false);
    expect(ToolsInvokeResponseSchema.safeParse({ ok: true, result: { content: [{ type: "video" }], details: 1 } }).success).toBe(false);
  });

  it("reads /tools/invoke answers as a client does: any success result, the failure envelope, nothing else", () => {
    expect(ToolsInvokeAnswerSchema.parse({ ok: true, result: { screen: "locked" } })).toEqual({ ok: true, result: { screen: "locked" } });
    expect(ToolsInvokeAnswerSchema.safeParse({ ok: false, error: { type: "not_found", message: "x" } }).success).toBe(true);
    expect(ToolsInvokeAnswerSchema.safeParse({ ok: false }).success).toBe(false);
    expect(ToolsInvokeAnswerSchema.safeParse({ ok: "yes", result: 1 }).success).toBe(false);
  });

  it("types the request body fields", () => {
    expect(ToolsInvokeRequestSchema.parse({ tool: "a", args: { x: 1 }, sessionKey: "agent:main:main" })).toMatchObject({ tool: "a" });
    expect(ToolsInvokeRequestSchema.safeParse({ tool: "a", sessionKey: 5 }).success).toBe(false);
    expect(ToolsInvokeRequestSchema.safeParse({ tool: "" }).success).toBe(false);
  });

  it("keeps tool payload fields next to success", () => {
    expect(ToolPayloadSchema.parse({ success: true, avatarId: "a" })).toEqual({ success: true, avatarId: "a" });
    expect(ToolPayloadSchema.safeParse({ avatarId: "a" }).success).toBe(false);
  });

  it("requires id and configSchema in a manifest and checks the id", () => {
    expect(PluginManifestSchema.safeParse({ id: "kichi-forwarder", configSchema: {} }).success).toBe(true);
    expect(PluginManifestSchema.safeParse({ id: "kichi-forwarder" }).success).toBe(false);
    expect(PluginManifestSchema.safeParse({ id: "Bad Id", configSchema: {} }).success).toBe(false);
  });

  it("describes CLI --json documents", () => {
    expect(CliEnvelopeSchema.safeParse({ ok: true, slug: "x" }).success).toBe(true);
    expect(CliEnvelopeSchema.safeParse({ ok: false, error: { code: "NOT_FOUND", message: "m" } }).success).toBe(true);
    expect(CliEnvelopeSchema.safeParse({ ok: false, error: "m" }).success).toBe(false);
    const status = cliEnvelopeOf({ slug: z.string() });
    expect(status.safeParse({ ok: true }).success).toBe(false);
    expect(status.safeParse({ ok: true, slug: "s" }).success).toBe(true);
  });

  it("fills host defaults and refuses short tokens", () => {
    expect(HostConfigSchema.parse({})).toEqual({ bind: "127.0.0.1", port: 18789, agents: [{ id: "main" }], publicRoutes: [], plugins: {} });
    expect(HostConfigSchema.safeParse({ token: "short" }).success).toBe(false);
    expect(HostConfigSchema.parse({ publicRoutes: ["/clawhip/event"] }).publicRoutes).toEqual(["/clawhip/event"]);
    for (const publicRoutes of [["clawhip/event"], ["/a b"], ["/%2e%2e/x"]])
      expect(HostConfigSchema.safeParse({ publicRoutes }).success).toBe(false);
    for (const id of ["constructor", "__proto__", "toString", "Constructor"])
      expect(HostConfigSchema.safeParse({ agents: [{ id }] }).success).toBe(false);
  });
});
