import { OOMI_ROUTES, oomiRoutePattern } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { routes } from "./routes.js";

describe("the backend's routes", () => {
  it("serve every route of the contract's table, once, and nothing else", () => {
    const served = routes.map((route) => `${route.method} ${route.pattern.source} auth=${route.auth}`).sort();
    const declared = Object.values(OOMI_ROUTES)
      .map((route) => `${route.method} ${oomiRoutePattern(route).pattern.source} auth=${route.auth}`)
      .sort();
    expect(served).toEqual(declared);
  });
});
