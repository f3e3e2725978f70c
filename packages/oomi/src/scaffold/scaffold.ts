import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { invalidInput } from "../errors.js";
import { validateSlug } from "../slug.js";
import { assertContainedWrite, assertPersonaWorkspace, assertRealDirectory, assertSafeRoot, homeDirectories } from "../workspace/guard.js";
import {
  renderTemplate,
  TEMPLATE_EDITABLE_ZONES,
  TEMPLATE_HEALTH_PATH,
  TEMPLATE_ID,
  TEMPLATE_PORT,
  TEMPLATE_START_COMMAND,
} from "./template-files.js";

export const TEMPLATE_VERSIONS = ["v1"] as const;

export interface ScaffoldOptions {
  slug: string;
  name: string;
  description: string;
  outDir: string;
  /** Write into a non-empty `outDir`, which must then be this persona's workspace already. */
  force: boolean;
  templateVersion?: string;
  /** Home directories `outDir` must neither be nor contain (default: this process's). */
  homes?: readonly string[];
}

export interface ScaffoldOutcome {
  templateId: typeof TEMPLATE_ID;
  templateVersion: string;
  slug: string;
  outDir: string;
  files: string[];
  startCommand: string;
  healthPath: string;
  editableZones: string[];
  defaultPort: number;
}

/**
 * Writes the persona app workspace into `outDir` (resolved): a missing or empty folder, or with
 * `force` this persona's existing workspace; no file ever lands outside it, not even through a symlink.
 */
export async function scaffoldPersonaWorkspace(options: ScaffoldOptions): Promise<ScaffoldOutcome> {
  const slug = validateSlug(options.slug);
  const name = options.name.trim();
  const description = options.description.trim();
  const templateVersion = options.templateVersion ?? "v1";
  if (!name) throw invalidInput("Persona name is required. Use --name.", "NAME_REQUIRED");
  if (!description) throw invalidInput("Persona description is required. Use --description.", "DESCRIPTION_REQUIRED");
  if (!(TEMPLATE_VERSIONS as readonly string[]).includes(templateVersion)) {
    throw invalidInput(
      `unknown template version ${templateVersion}; available: ${TEMPLATE_VERSIONS.join(", ")}`,
      "TEMPLATE_VERSION_UNKNOWN",
    );
  }
  const outDir = resolve(options.outDir);
  assertSafeRoot(outDir, options.homes ?? homeDirectories(process.env), "--out");
  assertRealDirectory(outDir, "--out");
  if (existsSync(outDir) && (await readdir(outDir)).length > 0) {
    if (!options.force) throw invalidInput(`--out ${outDir} is not empty; pass --force to write the scaffold into it`, "OUT_NOT_EMPTY");
    assertPersonaWorkspace(outDir, slug, "overwrite it with --force");
  }
  await mkdir(outDir, { recursive: true });
  const files = renderTemplate({ slug, name, description, templateVersion });
  // Every target is checked before the first write, so a refusal leaves the folder as it was.
  for (const file of Object.keys(files)) assertContainedWrite(outDir, resolve(outDir, file));
  for (const [file, content] of Object.entries(files)) {
    const target = resolve(outDir, file);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, content);
  }
  return {
    templateId: TEMPLATE_ID,
    templateVersion,
    slug,
    outDir,
    files: Object.keys(files).sort(),
    startCommand: TEMPLATE_START_COMMAND.replace("<slug>", slug),
    healthPath: TEMPLATE_HEALTH_PATH,
    editableZones: [...TEMPLATE_EDITABLE_ZONES],
    defaultPort: TEMPLATE_PORT,
  };
}
