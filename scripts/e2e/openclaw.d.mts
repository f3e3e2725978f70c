export function node24Binary(): string;
export function openclawLauncher(): string;
export function openclawEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
