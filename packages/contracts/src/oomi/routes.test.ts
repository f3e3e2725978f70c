import { describe, expect, it } from "vitest";
import { OOMI_ROUTES, oomiRoutePath, oomiRoutePattern } from "./routes.js";

describe("the Oomi route table", () => {
  it("fills a route's parameters in, each percent-encoded as one segment", () => {
    expect(oomiRoutePath(OOMI_ROUTES.heartbeat, { slug: "market-analyst" })).toBe("/v1/personas/market-analyst/heartbeat");
    expect(oomiRoutePath(OOMI_ROUTES.getJob, { jobId: "a/b c" })).toBe("/v1/persona_jobs/a%2Fb%20c");
    expect(oomiRoutePath(OOMI_ROUTES.listPersonas, {})).toBe("/v1/personas");
    // A caller that goes around the types still gets a clear error, never a path with `:slug` in it.
    expect(() => oomiRoutePath(OOMI_ROUTES.getPersona, {} as { slug: string })).toThrow("GET /v1/personas/:slug: no value for :slug");
    expect(() => oomiRoutePath(OOMI_ROUTES.getPersona, JSON.parse('{"__proto__": "x"}'))).toThrow(/no value for :slug/);
  });

  it("matches exactly its own paths, capturing each parameter segment", () => {
    const { pattern, names } = oomiRoutePattern(OOMI_ROUTES.jobSucceed);
    expect(names).toEqual(["jobId"]);
    expect(pattern.exec("/v1/persona_jobs/pj_1/succeed")?.slice(1)).toEqual(["pj_1"]);
    for (const other of [
      "/v1/persona_jobs/pj_1/succeed/",
      "/v1/persona_jobs//succeed",
      "/v1/persona_jobs/a/b/succeed",
      "/x/v1/persona_jobs/pj_1/succeed",
    ]) {
      expect(pattern.test(other), other).toBe(false);
    }
    expect(oomiRoutePattern(OOMI_ROUTES.listPersonas).pattern.test("/v1/personas")).toBe(true);
  });

  it("declares a schema for every path parameter, and a body for every POST", () => {
    for (const [name, route] of Object.entries(OOMI_ROUTES)) {
      const declared = Object.keys("params" in route ? route.params : {});
      expect(oomiRoutePattern(route).names, name).toEqual(declared);
      expect("body" in route, name).toBe(route.method === "POST");
    }
  });
});
