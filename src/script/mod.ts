/**
 * Migration files: discovery with static header parsing, module loading, the
 * new-migration template and file checksums.
 *
 * @example Reading the headers of a migrations directory
 * ```ts ignore
 * import { discoverScripts, loadModules } from "./mod.ts";
 * const scripts = await discoverScripts("migrations"); // no imports
 * const modules = await loadModules(scripts); // imports, checked against the headers
 * ```
 *
 * @module
 */
export type { Script, ScriptHeader } from "./script.ts";
export { discoverScripts, isMigrationFileName, readScript, scriptFromSource } from "./discover.ts";
export { loadModules, type LoadOptions } from "./load.ts";
export {
  HEADER_FIELDS,
  type HeaderField,
  type HeaderLiteral,
  type ParsedHeader,
  parseHeader,
} from "./parse_header.ts";
export {
  type MigrationFields,
  newRevisionId,
  renderMigration,
  slugify,
  writeMigration,
} from "./template.ts";
export {
  checksumFile,
  checksumMatches,
  checksumText,
  normalizeSource,
  type SourceChecksums,
  sourceChecksums,
} from "./checksum.ts";
