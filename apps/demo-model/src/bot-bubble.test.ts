import { describe, expect, it } from "vitest";
import { BOT_BUBBLES, botBubbleFor } from "./bot-bubble.js";

describe("botBubbleFor", () => {
  it("answers 2-5 words, the same for the same history", () => {
    for (const bubble of BOT_BUBBLES) expect(bubble.split(/\s+/).length).toBeGreaterThanOrEqual(2);
    for (const bubble of BOT_BUBBLES) expect(bubble.split(/\s+/).length).toBeLessThanOrEqual(5);
    expect(botBubbleFor(["Hi"])).toBe(botBubbleFor(["Hi"]));
    expect(botBubbleFor(["Hi"])).not.toBe(botBubbleFor(["Hi", "Hello"]));
  });

  it("never repeats a bubble already said", () => {
    const said = [BOT_BUBBLES[1], BOT_BUBBLES[2].toUpperCase()];
    expect(said.map((s) => s.toLowerCase())).not.toContain(botBubbleFor(said).toLowerCase());
    expect(botBubbleFor([...BOT_BUBBLES])).toBe("Nice chatting!");
  });
});
