import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_PORT_VARIABLES } from "./options.js";
import { DEFAULT_SERVER_PORTS, describePortOrigin, planServerPorts, portRefusal, rememberServerPorts } from "./ports.js";

let stateDir: string;
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "host-ports-unit-"));
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
  takenPort = (taken.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => taken.close(r));
  await rm(stateDir, { recursive: true, force: true });
});

describe("server ports", () => {
  it("portRefusal names why a port cannot be listened on", async () => {
    expect(await portRefusal(takenPort, "127.0.0.1")).toBe("EADDRINUSE");
    expect(await portRefusal(0, "127.0.0.1")).toBeUndefined();
  });

  it("a pinned port is used as it is; otherwise the remembered one, else the default, unless it is taken", async () => {
    const first = await planServerPorts(
      stateDir,
      { kichiWorld: "127.0.0.1", oomiBackend: "127.0.0.1" },
      { oomiBackend: 0 },
      SERVER_PORT_VARIABLES,
    );
    expect(first.oomiBackend).toEqual({ listen: 0, origin: { kind: "pinned", variable: "OOMI_BACKEND_PORT" } });
    const kichi = first.kichiWorld;
    // The default, or (when this machine uses it) a free one.
    if (kichi?.origin.kind === "default") expect(kichi.listen).toBe(DEFAULT_SERVER_PORTS.kichiWorld);
    else expect(kichi).toEqual({ listen: 0, origin: { kind: "taken", wanted: DEFAULT_SERVER_PORTS.kichiWorld } });

    await rememberServerPorts(stateDir, first, { kichiWorld: takenPort, oomiBackend: 45678 });
    // A pinned port is the variable's business, not remembered.
    expect(JSON.parse(await readFile(join(stateDir, "ports.json"), "utf8"))).toEqual({ kichiWorld: takenPort });
    const again = await planServerPorts(stateDir, { kichiWorld: "127.0.0.1" }, {}, SERVER_PORT_VARIABLES);
    expect(again.kichiWorld).toEqual({ listen: 0, origin: { kind: "taken", wanted: takenPort } });

    await new Promise((r) => taken.close(r));
    const freed = await planServerPorts(stateDir, { kichiWorld: "127.0.0.1" }, {}, SERVER_PORT_VARIABLES);
    expect(freed.kichiWorld).toEqual({ listen: takenPort, origin: { kind: "remembered" } });
    await new Promise<void>((r) => taken.listen(takenPort, "127.0.0.1", () => r()));
  });

  it("says how each port was chosen", () => {
    expect(describePortOrigin({ kind: "pinned", variable: "OOMI_BACKEND_PORT" })).toBe("port from OOMI_BACKEND_PORT");
    expect(describePortOrigin({ kind: "remembered" })).toBe("same port as last run");
    expect(describePortOrigin({ kind: "taken", wanted: 18761 })).toBe("18761 was taken: a free port, kept for next runs");
  });
});
