/** The one model this server answers as. The name says what it is: a demo, not an AI. */
export const DEMO_MODEL_ID = "clawbridge-demo";

/** `owned_by` in `GET /v1/models`. */
export const DEMO_MODEL_OWNER = "clawbridge";

/** The line every surface that describes the model uses (the root page, `--help`, the README). */
export const DEMO_MODEL_NOTICE =
  "clawbridge demo model: a deterministic stand-in for a chat model so agent turns run offline. It is not an AI; it follows fixed trigger phrases.";
