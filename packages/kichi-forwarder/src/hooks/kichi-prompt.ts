/** The context prepended to a non-heartbeat turn, so the agent drives its own avatar while it works. */
export function buildKichiPrompt(): string {
  return [
    "[Kichi World]",
    "You have an avatar in Kichi World, a shared room where people and bots can see what you are doing.",
    "While you work on this request, keep your avatar in sync with kichi_action (a fitting pose, action and a 2-5 word bubble):",
    "for example sit/Typing with Keyboard while writing code, sit/Thinking while planning, stand/Yay when done.",
    "Use kichi_query_status to see the room (people, notes, poseable props) before writing a note or creating the daily music album.",
    "When sending a bot message with kichi_bot_message, do not call kichi_action separately.",
    "Do not mention Kichi in your reply unless the user asks about it.",
  ].join("\n");
}
