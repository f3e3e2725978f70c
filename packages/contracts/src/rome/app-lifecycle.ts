import { z } from "zod";

export const RomeAppCreateParamsSchema = z.object({
  appId: z.string().min(1),
  rootPath: z.string().min(1),
  template: z.enum(["default", "workflow"]).optional(),
});
export type RomeAppCreateParams = z.infer<typeof RomeAppCreateParamsSchema>;

/** `install` takes no `appId`: the daemon derives it from the source and returns it in the result. */
export const RomeAppInstallParamsSchema = z.strictObject({
  source: z.unknown(),
  enabled: z.boolean().optional(),
});
export type RomeAppInstallParams = z.infer<typeof RomeAppInstallParamsSchema>;

export const RomeAppUninstallParamsSchema = z.object({ appId: z.string().min(1), purge: z.boolean().optional() });
export type RomeAppUninstallParams = z.infer<typeof RomeAppUninstallParamsSchema>;

export const RomeAppSetEnabledParamsSchema = z.object({ appId: z.string().min(1), enabled: z.boolean() });
export type RomeAppSetEnabledParams = z.infer<typeof RomeAppSetEnabledParamsSchema>;
