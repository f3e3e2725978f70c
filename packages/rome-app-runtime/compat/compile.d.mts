export declare const programsDir: string;
export declare function programFiles(): string[];
export declare function compilePrograms(typesEntry: string): { file: string; errors: string[] }[];
export declare function exportNames(typesEntry: string): string[];
export declare function valueExportNames(typesEntry: string): string[];
