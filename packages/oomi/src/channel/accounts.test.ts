import { PROTOTYPE_KEYS } from "@clawbridge/plugin-host/testing";
import { describe, expect, it } from "vitest";
import { listOomiAccountIds, resolveOomiAccount } from "./accounts.js";

const paired = {
  brokerHttp: "http://127.0.0.1:3457",
  brokerWs: "ws://127.0.0.1:3457/v1/device/ws",
  deviceId: "laptop",
  deviceToken: "paired-token",
  sessionKey: "agent:main:webchat:channel:oomi",
};

describe("oomi channel accounts", () => {
  it("resolves channels.oomi.accounts.<id> with upstream's keys and their defaults", () => {
    const cfg = { channels: { oomi: { accounts: { work: { backendUrl: "http://127.0.0.1:9/", deviceToken: "t" } } } } };
    expect(listOomiAccountIds(cfg, null)).toEqual(["work"]);
    expect(resolveOomiAccount(cfg, "work", null)).toMatchObject({
      accountId: "work",
      enabled: true,
      configured: true,
      backendUrl: "http://127.0.0.1:9",
      deviceToken: "t",
      tokenSource: "config",
      defaultSessionKey: "agent:main:webchat:channel:oomi",
      requestTimeoutMs: 15_000,
      pollIntervalMs: 2_000,
      dmPolicy: "open",
      problem: null,
    });
  });

  it("takes what the account leaves out from the paired device, and with no accounts the paired device is `default`", () => {
    expect(listOomiAccountIds({}, paired)).toEqual(["default"]);
    expect(resolveOomiAccount({}, undefined, paired)).toMatchObject({
      accountId: "default",
      configured: true,
      backendUrl: "http://127.0.0.1:3457",
      brokerWsUrl: "ws://127.0.0.1:3457/v1/device/ws",
      tokenSource: "paired",
    });
    const own = resolveOomiAccount({ channels: { oomi: { accounts: { a: { backendUrl: "http://127.0.0.1:8" } } } } }, "a", paired);
    // Another backend than the paired one: the paired broker URL is not assumed for it.
    expect(own).toMatchObject({ backendUrl: "http://127.0.0.1:8", deviceToken: "paired-token", configured: true });
    expect(own.brokerWsUrl).toBeUndefined();
  });

  it("says what is missing, and refuses bad config and prototype-key account ids with the field named", () => {
    expect(resolveOomiAccount({ channels: { oomi: {} } }, "default", null)).toMatchObject({
      configured: false,
      problem: expect.stringContaining("no backendUrl"),
    });
    expect(resolveOomiAccount({ channels: { oomi: { accounts: { a: { backendUrl: "ftp://x" } } } } }, "a", paired)).toMatchObject({
      configured: false,
      problem: expect.stringContaining("channels.oomi.accounts.a.backendUrl"),
    });
    for (const key of PROTOTYPE_KEYS.filter((k) => /^[A-Za-z0-9]/.test(k))) {
      const cfg = { channels: { oomi: { accounts: JSON.parse(`{"${key}": {"deviceToken": "t"}}`) } } };
      expect(resolveOomiAccount(cfg, key, paired)).toMatchObject({ configured: false, problem: expect.stringContaining("account id") });
    }
    const proto = { channels: { oomi: { accounts: JSON.parse('{"__proto__": {"deviceToken": "t"}}') } } };
    expect(resolveOomiAccount(proto, "__proto__", null).configured).toBe(false);
    expect(resolveOomiAccount({ channels: { oomi: { accounts: { a: { enabled: false, deviceToken: "t" } } } } }, "a", paired).enabled).toBe(
      false,
    );
  });
});
