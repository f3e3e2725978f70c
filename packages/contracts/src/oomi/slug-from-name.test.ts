import { describe, expect, it } from "vitest";
import { OomiSlugSchema } from "./files.js";
import { slugFromName } from "./slug-from-name.js";

describe("slugFromName", () => {
  it("derives a slug the slug schema accepts, or an empty string", () => {
    const cases: Array<[string, string]> = [
      [" Market Analyst ", "market-analyst"],
      ["Chef++ Persona", "chef-persona"],
      ["--Tokyo  Guide--", "tokyo-guide"],
      ["R2-D2", "r2-d2"],
      ["Café Owner", "caf-owner"],
      ["+++", ""],
      ["", ""],
    ];
    for (const [name, slug] of cases) {
      expect(slugFromName(name), name).toBe(slug);
      if (slug !== "") expect(OomiSlugSchema.safeParse(slug).success, slug).toBe(true);
    }
  });
});
