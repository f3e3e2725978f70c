import { describe, expect, it } from "vitest";
import { isInside, workspacePathFor } from "./paths.js";
import { slugifyPersonaName, validateSlug } from "./slug.js";

describe("persona slugs", () => {
  it("accepts lower-case dashed slugs and rejects everything else, including path tricks", () => {
    expect(validateSlug("market-analyst")).toBe("market-analyst");
    for (const bad of ["constructor", "../x", "x/..", "/etc", "Market", "a--b", "-a", "a-", "", "a b", "a.b", "..", "x\\y"]) {
      expect(() => validateSlug(bad), bad).toThrow(expect.objectContaining({ code: "INVALID_SLUG", exitCode: 2 }));
    }
  });

  it("slugifies names like the reference", () => {
    expect(slugifyPersonaName(" Market Analyst ")).toBe("market-analyst");
    expect(slugifyPersonaName("Chef++ Persona")).toBe("chef-persona");
    expect(() => slugifyPersonaName("+++")).toThrow(/slug/);
  });

  it("keeps workspaces inside the root", () => {
    expect(workspacePathFor("/r/personas", "tokyo-guide")).toBe("/r/personas/tokyo-guide");
    expect(() => workspacePathFor("/r/personas", "../x")).toThrow(/invalid persona slug/);
    expect(isInside("/r/personas", "/r/personas/a/b")).toBe(true);
    expect(isInside("/r/personas", "/r/other")).toBe(false);
  });
});
