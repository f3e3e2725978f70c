// Compiles the app-author programs in `programs/` against one build of the Rome app-runtime (ours, or
// an unpacked upstream tarball) and counts the public exports of that build. Plain JavaScript over the
// TypeScript compiler API, so the on-demand script runs with `node` alone.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

export const programsDir = resolve(import.meta.dirname, "programs");

/** The program files, in name order. */
export function programFiles() {
  return readdirSync(programsDir)
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => join(programsDir, name));
}

/**
 * Type-checks every program with `@rome-os/app-runtime` resolved to `typesEntry` (a `.d.ts` file).
 * Answers, per program, the diagnostics it produced: an empty list means it compiles.
 */
export function compilePrograms(typesEntry) {
  const files = programFiles();
  const options = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [
      resolve(import.meta.dirname, "..", "node_modules", "@types"),
      resolve(import.meta.dirname, "..", "..", "..", "node_modules", "@types"),
    ],
    baseUrl: "/",
    paths: { "@rome-os/app-runtime": [resolve(typesEntry)] },
  };
  const program = ts.createProgram(files, options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const byFile = new Map(files.map((file) => [file, []]));
  for (const diagnostic of diagnostics) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const file = diagnostic.file?.fileName;
    if (file && byFile.has(file)) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      byFile.get(file).push(`${line + 1}: ${text}`);
    } else {
      // A diagnostic outside the programs (a broken declaration file, a bad option) fails them all.
      for (const list of byFile.values()) list.push(`${file ?? "(options)"}: ${text}`);
    }
  }
  return [...byFile].map(([file, errors]) => ({ file, errors }));
}

/** The exports of a declaration entry, with the checker that reads them. */
function moduleExports(typesEntry) {
  const program = ts.createProgram([resolve(typesEntry)], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(resolve(typesEntry));
  const symbol = source && checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error(`${typesEntry} is not a module`);
  return { checker, exports: checker.getExportsOfModule(symbol) };
}

/** The names a declaration entry exports, values and types alike, sorted. */
export function exportNames(typesEntry) {
  return moduleExports(typesEntry)
    .exports.map((entry) => entry.getName())
    .sort();
}

/**
 * The names a declaration entry exports as values (functions, classes, constants, namespaces with
 * values): what `import { name }` must find at run time.
 */
export function valueExportNames(typesEntry) {
  const { checker, exports } = moduleExports(typesEntry);
  return exports
    .filter((entry) => {
      const target = entry.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(entry) : entry;
      if (!(target.flags & ts.SymbolFlags.Value)) return false;
      // `export type { X }` of a value still only exports the type.
      return !entry.declarations?.some(
        (declaration) =>
          ts.isTypeOnlyImportOrExportDeclaration?.(declaration) ||
          (ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)),
      );
    })
    .map((entry) => entry.getName())
    .sort();
}
