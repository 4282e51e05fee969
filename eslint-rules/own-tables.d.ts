import type { ESLint } from 'eslint';

/** table name → owning module, read from every src/<module>/*.entities.ts. */
export function tableOwners(): Map<string, string>;
declare const plugin: ESLint.Plugin;
export default plugin;
