import { describe, expect, it } from "vitest";
import { resolveHealthPath } from "./health-path.js";
import { buildLocalRuntime, buildRegistration, chooseReachableHost, scoreInterface } from "./network.js";
import { resolveRuntimeInput } from "./runtime-input.js";

const iface = (address: string, internal = false) => ({ address, netmask: "", family: "IPv4" as const, mac: "", internal, cidr: null });

describe("LAN endpoint and loopback healthcheck", () => {
  it("derives the LAN endpoint from OOMI_PERSONA_PUBLIC_HOST and keeps the healthcheck on loopback with the WebSpatial prefix", () => {
    const input = resolveRuntimeInput({ localPort: "4790" }, { OOMI_PERSONA_PUBLIC_HOST: "192.168.50.161" }, null, {});
    expect(input).toEqual({
      endpoint: "http://192.168.50.161:4790",
      healthcheckUrl: "http://127.0.0.1:4790/webspatial/avp/oomi.health.json",
      transport: "local",
      localPort: 4790,
    });
  });

  it("prefixes /webspatial/avp only for webspatial render mode and only once", () => {
    expect(resolveHealthPath({ renderMode: "webspatial", healthPath: "/oomi.health.json" })).toBe("/webspatial/avp/oomi.health.json");
    expect(resolveHealthPath({ renderMode: "webspatial", healthPath: "/webspatial/avp/oomi.health.json" })).toBe(
      "/webspatial/avp/oomi.health.json",
    );
    expect(resolveHealthPath({ renderMode: "browser", healthPath: "/h.json" })).toBe("/h.json");
    expect(resolveHealthPath(null)).toBe("/oomi.health.json");
  });

  it("scores a private Wi-Fi address above docker and link-local interfaces", () => {
    const host = chooseReachableHost(
      { docker0: [iface("172.17.0.1")], wlan0: [iface("192.168.1.20")], eth9: [iface("169.254.3.3")], lo: [iface("127.0.0.1", true)] },
      {},
      "0.0.0.0",
    );
    expect(host).toBe("192.168.1.20");
    expect(scoreInterface("vEthernet (WSL)", "172.20.0.1")).toBeLessThan(scoreInterface("en0", "10.0.0.5"));
    expect(chooseReachableHost({ lo: [iface("127.0.0.1", true)] }, {}, "0.0.0.0")).toBe("127.0.0.1");
    expect(chooseReachableHost({ wlan0: [iface("192.168.1.20")] }, {}, "10.1.2.3")).toBe("10.1.2.3");
  });

  it("a runtime bound to loopback is registered on loopback, never on a LAN address it does not listen on", () => {
    expect(chooseReachableHost({ wlan0: [iface("192.168.1.20")] }, {}, "127.0.0.1")).toBe("127.0.0.1");
    expect(chooseReachableHost({ wlan0: [iface("192.168.1.20")] }, { OOMI_PERSONA_PUBLIC_HOST: "relay.lan" }, "127.0.0.1")).toBe(
      "relay.lan",
    );
  });

  it("brackets IPv6 hosts and registers the relay entry URL when given", () => {
    const runtime = buildLocalRuntime(4791, "/oomi.health.json", "::", "fd00::5");
    expect(runtime.reachableEndpoint).toBe("http://[fd00::5]:4791");
    expect(buildRegistration(runtime, "https://relay.example/p/x")).toEqual({
      endpoint: "https://relay.example/p/x",
      healthcheckUrl: "http://127.0.0.1:4791/oomi.health.json",
      transport: "relay",
      localPort: 4791,
    });
  });

  it("refuses a loopback --endpoint unless --local-only, and uses an explicit endpoint as given", () => {
    expect(() => resolveRuntimeInput({ endpoint: "http://127.0.0.1:4789" }, {}, null, {})).toThrow(/--local-only/);
    expect(resolveRuntimeInput({ endpoint: "http://127.0.0.1:4789", localOnly: true }, {}, null, {}).endpoint).toBe(
      "http://127.0.0.1:4789",
    );
    expect(
      resolveRuntimeInput(
        { endpoint: "https://relay.example/x/", transport: "relay" },
        {},
        { renderMode: "browser", healthPath: "/h.json" },
        {},
      ),
    ).toEqual({
      endpoint: "https://relay.example/x",
      healthcheckUrl: "https://relay.example/x/h.json",
      transport: "relay",
      localPort: null,
    });
  });

  it("rejects bad ports, transports and a missing port with exit-2 errors", () => {
    for (const flags of [{ localPort: "0" }, { localPort: "abc" }, { localPort: "4789", transport: "carrier-pigeon" }, {}]) {
      expect(() => resolveRuntimeInput(flags, {}, null, {})).toThrow(expect.objectContaining({ exitCode: 2 }));
    }
  });
});
