/**
 * What Strata knows about one migration file before (or without) running it.
 *
 * @module
 */

/** A migration's header: the exports the graph needs. */
export interface ScriptHeader {
  /** The revision id. */
  revision: string;
  /** Parents: empty for a base, one for a plain step, several for a merge. */
  downRevisions: string[];
  /** Revisions that must be applied first without being parents. */
  dependsOn: string[];
  branchLabels: string[];
  message: string;
  /** Whether the migration runs in a transaction (default `true`). */
  transactional: boolean;
}

/** A discovered migration file. */
export interface Script extends ScriptHeader {
  /** Absolute path of the file. */
  path: string;
  /** `true` when the header was read from the source text without importing it. */
  staticHeader: boolean;
  /** The file's checksum when it was read (see `checksum.ts`), recorded in the history table. */
  checksum: string;
  /**
   * The checksum Strata 0.1.0 recorded for the same text (`crc32:` of the raw
   * text), kept to compare old history rows; present only when it differs
   * from `checksum` in more than its prefix (see `checksumMatches`).
   */
  legacyChecksum?: string;
}
