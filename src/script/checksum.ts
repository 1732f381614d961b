/**
 * Checksums of migration files, recorded with each applied step so that a
 * migration edited after it was applied can be detected.
 *
 * @module
 */
import { ScriptError } from "../errors.ts";

/**
 * Computes the SHA-256 of a file's bytes (no newline or encoding
 * normalization: any edit counts).
 *
 * @param path The file.
 * @returns 64 lower-case hex characters.
 * @throws {ScriptError} When the file cannot be read.
 *
 * @example Checksum of a migration
 * ```ts ignore
 * const sum = await checksumFile("migrations/1f2e3d4c5b6a_add_user_bio.ts");
 * ```
 */
export async function checksumFile(path: string): Promise<string> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (cause) {
    throw new ScriptError(path, `Cannot checksum "${path}": ${String(cause)}`, { cause });
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
