import { describe, expect, it } from "vitest";
import { normalizeKichiHost, resolveEnvironmentHost } from "./host.js";

describe("normalizeKichiHost", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1", "ws://127.0.0.1:48870/ws/openclaw"],
    ["127.0.0.1:9000", "127.0.0.1:9000", "ws://127.0.0.1:9000/ws/openclaw"],
    ["192.168.1.20:48870", "192.168.1.20", "ws://192.168.1.20:48870/ws/openclaw"],
    ["LOCALHOST", "localhost", "ws://localhost:48870/ws/openclaw"],
    ["::1", "[::1]", "ws://[::1]:48870/ws/openclaw"],
    ["[::1]:7000", "[::1]:7000", "ws://[::1]:7000/ws/openclaw"],
    ["Focus-WSS.yahaha.com", "focus-wss.yahaha.com", "wss://focus-wss.yahaha.com/ws/openclaw"],
    ["kichi.example.com:443", "kichi.example.com", "wss://kichi.example.com/ws/openclaw"],
    ["kichi.example.com:8443", "kichi.example.com:8443", "wss://kichi.example.com:8443/ws/openclaw"],
    ["  10.0.0.1  ", "10.0.0.1", "ws://10.0.0.1:48870/ws/openclaw"],
  ])("%s → %s", (input, host, wsUrl) => {
    expect(normalizeKichiHost(input)).toEqual({ ok: true, value: { host, wsUrl } });
  });

  it.each(["wss://x.com", "x.com/ws", "x.com\\a", "x.com?a=1", "x.com#f", "user@x.com", "a b"])("rejects %s", (input) => {
    expect(normalizeKichiHost(input)).toEqual({
      ok: false,
      error: `host must be host[:port] without scheme, path, query or credentials (got "${input}")`,
    });
  });

  it("rejects empty hosts, bad ports and bad names", () => {
    expect(normalizeKichiHost(" ")).toEqual({ ok: false, error: "host is required" });
    expect(normalizeKichiHost("x.com:0")).toEqual({ ok: false, error: 'port must be a number from 1 to 65535 (got "0")' });
    expect(normalizeKichiHost("x.com:70000")).toEqual({ ok: false, error: 'port must be a number from 1 to 65535 (got "70000")' });
    expect(normalizeKichiHost("x.com:")).toEqual({ ok: false, error: 'port must be a number from 1 to 65535 (got "")' });
    expect(normalizeKichiHost("-bad-.com")).toEqual({ ok: false, error: 'host "-bad-.com" is not a valid host name' });
    expect(normalizeKichiHost("[::1")).toEqual({ ok: false, error: 'host "[::1" is not a valid host[:port]' });
  });
});

describe("resolveEnvironmentHost", () => {
  it("uses the hosted environments' hosts", () => {
    expect(resolveEnvironmentHost("steam")).toEqual({
      ok: true,
      value: { host: "focus-wss.yahaha.com", wsUrl: "wss://focus-wss.yahaha.com/ws/openclaw" },
    });
    expect(resolveEnvironmentHost("steam-playtest").ok).toBe(true);
  });
  it("requires an explicit host for test", () => {
    expect(resolveEnvironmentHost("test")).toEqual({ ok: false, error: 'host is required when environment is "test"' });
    expect(resolveEnvironmentHost("test", "127.0.0.1:4000")).toEqual({
      ok: true,
      value: { host: "127.0.0.1:4000", wsUrl: "ws://127.0.0.1:4000/ws/openclaw" },
    });
  });
});
