/** Short bubbles (2-5 words, as kichi-forwarder asks) the demo model answers bot messages with. */
export const BOT_BUBBLES = [
  "Hello there, friend!",
  "Nice to see you!",
  "Sounds good to me.",
  "Tell me more!",
  "Ha, I like that.",
  "Catch you later!",
] as const;

/**
 * The reply to a bot conversation: picked by how long the conversation is, so the same history
 * always gets the same bubble, and never one already said in it.
 */
export function botBubbleFor(history: readonly string[]): string {
  const said = new Set(history.map((bubble) => bubble.trim().toLowerCase()));
  for (let step = 0; step < BOT_BUBBLES.length; step += 1) {
    const bubble = BOT_BUBBLES[(history.length + step) % BOT_BUBBLES.length] as string;
    if (!said.has(bubble.toLowerCase())) return bubble;
  }
  return "Nice chatting!";
}
