/**
 * The XR-first persona app template (v1), our own design. Each file is a function of the persona so
 * nothing is substituted by string search; JSON files are built as objects and serialized.
 */
export interface TemplateVars {
  slug: string;
  name: string;
  description: string;
  templateVersion: string;
}

export const TEMPLATE_ID = "persona-app";
export const TEMPLATE_PORT = 4789;
export const TEMPLATE_HEALTH_PATH = "/webspatial/avp/oomi.health.json";
export const TEMPLATE_START_COMMAND = "oomi personas launch-managed <slug> --workspace-root <root> --json";
/** As upstream (oomi-ai 0.2.50) names them: agents match these strings. */
export const TEMPLATE_EDITABLE_ZONES = ["src/persona", "persona"];

/** Versions checked against the npm registry with `npm view`; kept few so `npm install` stays short. */
const DEPENDENCIES = {
  "@webspatial/core-sdk": "^1.7.0",
  "@webspatial/react-sdk": "^1.7.0",
  "@zumer/snapdom": "^1.9.9",
  html2canvas: "^1.4.1",
  react: "^19.1.0",
  "react-dom": "^19.1.0",
};
const DEV_DEPENDENCIES = { vite: "^6.4.1" };

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const tsString = (text: string) => JSON.stringify(text);

export function renderTemplate(v: TemplateVars): Record<string, string> {
  const serve = `--host 0.0.0.0 --port ${TEMPLATE_PORT} --strictPort`;
  return {
    "persona.json": json({
      id: v.slug,
      name: v.name,
      summary: v.description,
      status: "inactive",
      type: "persona",
      templateType: TEMPLATE_ID,
      promptTemplateVersion: v.templateVersion,
      capabilities: [],
      dataSources: [],
      tags: ["managed"],
    }),
    "oomi.runtime.json": json({
      templateVersion: v.templateVersion,
      appKind: "oomi-persona-app",
      healthPath: TEMPLATE_HEALTH_PATH,
      defaultPort: TEMPLATE_PORT,
      supportsRuntimeRegistration: true,
      renderMode: "webspatial",
      entryDocument: "/index.html",
      editableZones: TEMPLATE_EDITABLE_ZONES,
    }),
    "package.json": json({
      name: `oomi-persona-${v.slug}`,
      private: true,
      version: "0.0.0",
      type: "module",
      scripts: {
        dev: `vite ${serve}`,
        "dev:avp": `XR_ENV=avp vite ${serve}`,
        build: "vite build",
        preview: `vite preview ${serve}`,
      },
      dependencies: DEPENDENCIES,
      devDependencies: DEV_DEPENDENCIES,
    }),
    "public/oomi.health.json": json({ ok: true, status: "healthy", appKind: "oomi-persona-app", templateVersion: v.templateVersion }),
    "public/manifest.webmanifest": json({
      name: v.name,
      short_name: v.name.slice(0, 12),
      start_url: "/",
      display: "minimal-ui",
      xr_main_scene: { default_size: { width: 860, height: 1100 } },
    }),
    ".gitignore": "node_modules\ndist\n.oomi\n",
    "README.md": `# ${v.name}

${v.description}

An Oomi managed persona app (template \`${TEMPLATE_ID}\` ${v.templateVersion}): Vite + React + WebSpatial, XR first.

## Managed launch contract

This workspace is brought online by the managed Oomi flow, never by an ad hoc dev server:

1. \`oomi personas scaffold ${v.slug} --name … --description … --out <root>/${v.slug} --force\` wrote it.
2. \`oomi personas create-managed ${v.slug} --name … --description … --json\` creates the backend record.
3. \`oomi personas launch-managed ${v.slug} --workspace-root <root> --force-install --json\` installs, starts the
   dev server in its own process group, waits for health and registers the runtime with Oomi.
4. Verify \`.oomi/runtime.json\`, \`oomi personas status ${v.slug} --json\` and
   \`oomi personas heartbeat ${v.slug} --local-port <port from runtime.json> --json\`.

Do not report the persona as live after a manual \`npm run dev\`: it bypasses \`.oomi/runtime.json\` and registration.

## Runtime files

- \`oomi.runtime.json\`: health path \`${TEMPLATE_HEALTH_PATH}\`, default port ${TEMPLATE_PORT}, render mode \`webspatial\`.
- \`public/oomi.health.json\`: the health document the runtime is checked against (on loopback).
- \`public/manifest.webmanifest\`: the XR main scene size.
- \`persona.json\`: the persona manifest.

## Where to edit

\`src/persona/\` (config, notes, the content of the panels) and \`persona.json\`. Keep the scene route, the
runtime files and the \`snapdom\` / \`html2canvas\` exposure in \`src/main.tsx\`.
`,
    "index.html": `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <link rel="manifest" href="manifest.webmanifest" />
    <title>${v.name.replace(/[<>&]/g, "")}</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`,
    "vite.config.ts": `import { defineConfig } from "vite";

// XR_ENV=avp serves the app under /webspatial/avp/, where the managed runtime checks its health.
const xr = process.env.XR_ENV === "avp";

export default defineConfig({
  base: xr ? "/webspatial/avp/" : "/",
  define: { __XR_ENV__: JSON.stringify(process.env.XR_ENV ?? "") },
  esbuild: { jsx: "automatic", jsxImportSource: "@webspatial/react-sdk" },
  server: { port: ${TEMPLATE_PORT}, strictPort: true, host: "0.0.0.0" },
});
`,
    "tsconfig.json": json({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        jsx: "react-jsx",
        jsxImportSource: "@webspatial/react-sdk",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ["src"],
    }),
    "src/vite-env.d.ts": `declare const __XR_ENV__: string;
interface Window {
  snapdom?: unknown;
  html2canvas?: unknown;
}
`,
    "src/persona/config.ts": `export const personaConfig = {
  slug: ${tsString(v.slug)},
  name: ${tsString(v.name)},
  description: ${tsString(v.description)},
  templateVersion: ${tsString(v.templateVersion)},
} as const;

/** The panels the XR scene renders; edit freely (each becomes its own spatial surface). */
export const personaPanels = [
  { id: "welcome", title: personaConfig.name, body: personaConfig.description, depth: 40, material: "translucent" },
  { id: "focus", title: "Today", body: "What this persona is working on right now.", depth: 80, material: "thick" },
  { id: "notes", title: "Notes", body: "Pinned notes and quick actions.", depth: 60, material: "regular" },
] as const;
`,
    "src/persona/notes.ts": `/** Rules for whoever customizes this persona (human or agent). */
export const personaNotes = [
  "Edit src/persona and persona.json; keep the scene route and the runtime files intact.",
  "The XR entry route mounts PersonaScene directly; never fall back to a flat landing page there.",
  "Author several surfaces with explicit enable-xr, --xr-back and --xr-background-material values instead of one wrapper.",
  "Keep html.is-spatial shell styles transparent so the host recedes and the panels carry the material.",
  "Keep the managed runtime compatible with \`oomi personas launch-managed\`; do not require manual npm run dev for Oomi to consider the persona live.",
  "Do not remove oomi.runtime.json, public/oomi.health.json or public/manifest.webmanifest.",
] as const;
`,
    "src/scene/spatial.ts": `import { initScene } from "@webspatial/react-sdk";

export interface SpatialEnvironment {
  xrEnv: string;
  isSpatial: boolean;
  userAgent: string;
}

/** Where the app is running: a WebSpatial (XR) runtime or a plain browser. */
export function detectSpatialEnvironment(): SpatialEnvironment {
  const userAgent = typeof navigator === "undefined" ? "" : navigator.userAgent;
  const isSpatial = __XR_ENV__ === "avp" || /WebSpatial|PicoWebApp/i.test(userAgent);
  return { xrEnv: __XR_ENV__, isSpatial, userAgent };
}

/** Sizes the main XR scene and marks the document so the shell turns transparent. */
export function configurePersonaScene(): SpatialEnvironment {
  const environment = detectSpatialEnvironment();
  if (environment.isSpatial) {
    document.documentElement.classList.add("is-spatial");
    initScene("main", (defaults) => ({ ...defaults, defaultSize: { width: 860, height: 1100 } }));
  }
  return environment;
}
`,
    "src/scene/PersonaScene.tsx": `import { useEffect } from "react";
import { personaConfig, personaPanels } from "../persona/config";
import { configurePersonaScene, detectSpatialEnvironment } from "./spatial";

/** The XR entry: mounted directly on the scene route, one authored surface per panel. */
export function PersonaScene() {
  useEffect(() => {
    configurePersonaScene();
    console.info("[oomi persona] spatial environment", detectSpatialEnvironment());
  }, []);
  return (
    <main className="scene" aria-label={personaConfig.name}>
      {personaPanels.map((panel) => (
        <section
          key={panel.id}
          className={\`panel panel-\${panel.id}\`}
          enable-xr
          style={{ "--xr-back": panel.depth, "--xr-background-material": panel.material } as React.CSSProperties}
        >
          <h2>{panel.title}</h2>
          <p>{panel.body}</p>
        </section>
      ))}
    </main>
  );
}
`,
    "src/App.tsx": `import { PersonaScene } from "./scene/PersonaScene";
import { personaConfig } from "./persona/config";

const isSceneRoute = () => location.pathname.startsWith(import.meta.env.BASE_URL) && __XR_ENV__ === "avp";

/** The browser route stays a valid page; the XR route is the scene itself. */
export function App() {
  if (isSceneRoute()) return <PersonaScene />;
  return (
    <div className="browser">
      <h1>{personaConfig.name}</h1>
      <p>{personaConfig.description}</p>
      <PersonaScene />
    </div>
  );
}
`,
    "src/main.tsx": `import { snapdom } from "@zumer/snapdom";
import html2canvas from "html2canvas";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

// DOM capture on AndroidXR looks these up on window.
window.snapdom = snapdom;
window.html2canvas = html2canvas;

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`,
    "src/styles.css": `:root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #f5f5f7; }
html.is-spatial, html.is-spatial body, html.is-spatial #root { background: transparent; }
.scene { display: grid; gap: 24px; padding: 32px; }
.panel { border-radius: 24px; padding: 24px; background: rgba(255, 255, 255, 0.7); }
html.is-spatial .panel { background: transparent; }
`,
  };
}
