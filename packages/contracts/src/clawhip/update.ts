import { z } from "zod";

/**
 * The update lifecycle, as upstream 0.6.7's `update.rs` runs it: the daemon checks for a newer release,
 * holds it as the pending update and says so once (a `custom` alert); an operator approves (installs it)
 * or dismisses it. Here the release is the npm registry's `latest` of this package.
 */

/** `[update]`. Off unless `enabled`; the check runs at start, then every `check_interval_secs`. */
export const ClawhipUpdateSchema = z.looseObject({
  enabled: z.boolean().default(false),
  /** Where the update messages go (else the default route). */
  channel: z.string().trim().min(1).optional(),
  check_interval_secs: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(3600),
  /** The npm registry asked for the package's `latest` dist-tag, and that `approve` installs from. */
  registry: z.url().default("https://registry.npmjs.org"),
});
export type ClawhipUpdate = z.output<typeof ClawhipUpdateSchema>;

/** `GET <registry>/-/package/<name>/dist-tags`. */
export const NpmDistTagsSchema = z.looseObject({ latest: z.string().min(1) });

/** A newer release the daemon found and nobody has approved or dismissed yet. */
export const ClawhipPendingUpdateSchema = z.strictObject({
  current_version: z.string(),
  latest_version: z.string(),
  release_url: z.string(),
  detected_at: z.string(),
});
export type ClawhipPendingUpdate = z.infer<typeof ClawhipPendingUpdateSchema>;

/** `GET /api/update/status` (`clawhip update status`). */
export const ClawhipUpdateStatusSchema = z.union([
  ClawhipPendingUpdateSchema.extend({ pending: z.literal(true) }),
  z.strictObject({ pending: z.literal(false), current_version: z.string() }),
]);
export type ClawhipUpdateStatus = z.infer<typeof ClawhipUpdateStatusSchema>;

/** `POST /api/update/approve` and `/api/update/dismiss` when they succeed (a failure is `{ ok: false, error }`). */
export const ClawhipUpdateApprovedSchema = z.strictObject({ ok: z.literal(true), updated_to: z.string() });
export const ClawhipUpdateDismissedSchema = z.strictObject({ ok: z.literal(true), dismissed_version: z.string() });
export type ClawhipUpdateApproved = z.infer<typeof ClawhipUpdateApprovedSchema>;
export type ClawhipUpdateDismissed = z.infer<typeof ClawhipUpdateDismissedSchema>;

/** `clawhip update check --json`: what the registry has against what runs. */
export const ClawhipUpdateCheckSchema = z.strictObject({
  current_version: z.string(),
  latest_version: z.string().nullable(),
  update_available: z.boolean(),
  release_url: z.string().nullable(),
});
export type ClawhipUpdateCheck = z.infer<typeof ClawhipUpdateCheckSchema>;
