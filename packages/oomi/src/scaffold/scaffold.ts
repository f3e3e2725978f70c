import { existsSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { invalidInput, OomiError } from "../errors.js";
import { isInside } from "../paths.js";
import { validateSlug } from "../slug.js";
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
  force: boolean;
  templateVersion?: string;
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

/** Writes the persona app workspace into `outDir` (resolved); no file ever lands outside it. */
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
  if (existsSync(outDir)) {
    if (!(await stat(outDir)).isDirectory()) throw invalidInput(`--out ${outDir} exists and is not a directory`, "OUT_NOT_DIRECTORY");
    const entries = await readdir(outDir);
    if (entries.length > 0 && !options.force) {
      throw invalidInput(`--out ${outDir} is not empty; pass --force to write the scaffold into it`, "OUT_NOT_EMPTY");
    }
  }
  const files = renderTemplate({ slug, name, description, templateVersion });
  for (const [relative, content] of Object.entries(files)) {
    const target = resolve(outDir, relative);
    if (!isInside(outDir, target)) throw new OomiError("PATH_OUTSIDE_OUT", `template file ${relative} would land outside ${outDir}`);
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
