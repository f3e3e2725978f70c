import { describe, expect, it } from "vitest";
import { z } from "zod";
import { definePlugin } from "./define-plugin.js";
import { defineTool } from "./define-tool.js";
import { buildManifest, collectRegistrations, renderManifest } from "./manifest.js";

const echo = () =>
  defineTool({
    name: "demo_echo",
    label: "Echo",
    description: "Echo",
    params: z.object({ text: z.string() }),
    execute: ({ text }) => ({ success: true, text }),
  });

const plugin = definePlugin({
  id: "demo",
  name: "Demo",
  description: "A demo plugin",
  version: "1.2.3",
  config: z.strictObject({ greeting: z.string().default("hi"), retries: z.number().int().min(0).optional() }),
  register(api, config) {
    api.registerTool(() => echo(), { names: ["demo_echo"] });
    api.registerTool(() =>
      defineTool({
        name: "demo_greet",
        label: "Greet",
        description: config.greeting,
        params: z.object({}),
        execute: () => ({ success: true }),
      }),
    );
    api.registerService({ id: "demo-service", start() {} });
    api.on("agent_end", () => {});
  },
});

describe("manifest generation", () => {
  it("lists every registered tool and generates configSchema from zod", () => {
    const manifest = buildManifest(plugin);
    expect(manifest).toEqual({
      id: "demo",
      name: "Demo",
      description: "A demo plugin",
      version: "1.2.3",
      activation: { onStartup: true },
      configSchema: {
        type: "object",
        properties: {
          greeting: { type: "string", default: "hi" },
          retries: { type: "integer", minimum: 0, maximum: expect.any(Number) },
        },
        additionalProperties: false,
      },
      contracts: { tools: ["demo_echo", "demo_greet"] },
    });
  });

  it("asks for startup activation only when the plugin has a service, hook or route", () => {
    const toolsOnly = definePlugin({
      id: "tools-only",
      name: "Tools only",
      description: "d",
      register(api) {
        api.registerTool(() => echo(), { names: ["demo_echo"] });
      },
    });
    expect(buildManifest(toolsOnly)).not.toHaveProperty("activation");
    const routeOnly = definePlugin({
      id: "route-only",
      name: "Route only",
      description: "d",
      register(api) {
        api.registerHttpRoute({ path: "/x", auth: "plugin", handler: () => true });
      },
    });
    expect(buildManifest(routeOnly).activation).toEqual({ onStartup: true });
  });

  it("declares each registered channel in `channels`, with its `channels.<id>` schema in `channelConfigs`", () => {
    const channelPlugin = definePlugin({
      id: "chat",
      name: "Chat",
      description: "d",
      register(api) {
        api.registerChannel({
          plugin: {
            id: "chat",
            meta: { id: "chat", label: "Chat", selectionLabel: "Chat", docsPath: "/plugins/community", blurb: "A chat" },
            capabilities: { chatTypes: ["direct"] },
            configSchema: { schema: { type: "object", properties: { enabled: { type: "boolean" } }, additionalProperties: false } },
            config: { listAccountIds: () => ["default"], resolveAccount: () => ({}) },
          },
        });
      },
    });
    const manifest = buildManifest(channelPlugin);
    expect(manifest.channels).toEqual(["chat"]);
    expect(manifest.channelConfigs).toEqual({
      chat: {
        schema: { type: "object", properties: { enabled: { type: "boolean" } }, additionalProperties: false },
        label: "Chat",
        description: "A chat",
      },
    });
    expect(buildManifest(plugin)).not.toHaveProperty("channels");
  });

  it("declares the skill folders a plugin ships, and nothing when it ships none", () => {
    const withSkill = definePlugin({
      id: "skilled",
      name: "Skilled",
      description: "d",
      skills: ["./skills/skilled"],
      register(api) {
        api.registerTool(() => echo(), { names: ["demo_echo"] });
      },
    });
    expect(buildManifest(withSkill).skills).toEqual(["./skills/skilled"]);
    expect(buildManifest(plugin)).not.toHaveProperty("skills");
  });

  it("renders deterministically, so a drifted checked-in file is detected by comparison", () => {
    const text = renderManifest(buildManifest(plugin));
    expect(text).toBe(renderManifest(buildManifest(plugin)));
    expect(text.endsWith("}\n")).toBe(true);
    const drifted = text.replace('"demo_greet"', '"demo_old"');
    expect(drifted).not.toBe(text);
  });

  it("records services, hooks and tools without starting anything", () => {
    const registrations = collectRegistrations(plugin);
    expect(registrations.services.map((s) => s.id)).toEqual(["demo-service"]);
    expect(registrations.hooks.map((h) => h.name)).toEqual(["agent_end"]);
    expect(registrations.tools.map((t) => t.names)).toEqual([["demo_echo"], ["demo_greet"]]);
  });

  it("stops registration when the config does not parse, naming the field", () => {
    expect(() => collectRegistrations(plugin, { greeting: 5 })).toThrow(/config is invalid: greeting:/);
  });

  it("exposes a config schema OpenClaw can call", () => {
    const schema = plugin.configSchema;
    expect(schema.safeParse?.({})).toEqual({ success: true, data: { greeting: "hi" } });
    expect(schema.safeParse?.({ bogus: 1 })).toMatchObject({ success: false, error: { issues: [{ path: [] }] } });
  });
});
