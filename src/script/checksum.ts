/**
 * Checksums of migration files, recorded with each applied step so that a
 * migration edited after it was applied can be detected.
 *
 * The checksum is CRC-32 (as Flyway uses for the same job) of the file's text
 * encoded as UTF-8, written `crc32:xxxxxxxx`. It detects edits, not attacks,
 * and it is cheap enough to compute for every file on every run: discovery
 * already holds the text, so a no-op `upgrade` with 1,000 applied migrations
 * can check them all (SHA-256 through `crypto.subtle` cost 20–90 ms for that,
 * measured; CRC-32 costs a few). The prefix leaves room for another algorithm.
 *
 * @module
 */
import { ScriptError } from "../errors.ts";

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

const encoder = new TextEncoder();

/**
 * The checksum of a migration's source text.
 *
 * @param text The file's contents.
 * @returns `crc32:` and 8 lower-case hex digits.
 *
 * @example
 * ```ts
 * import { checksumText } from "./checksum.ts";
 * console.assert(checksumText("hello") === "crc32:3610a686");
 * ```
 */
export function checksumText(text: string): string {
  table ??= crcTable();
  const bytes = encoder.encode(text);
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return `crc32:${((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * The checksum of a file (see {@linkcode checksumText}).
 *
 * @param path The file.
 * @returns `crc32:` and 8 hex digits.
 * @throws {ScriptError} When the file cannot be read.
 *
 * @example Checksum of a migration
 * ```ts ignore
 * const sum = await checksumFile("migrations/1f2e3d4c5b6a_add_user_bio.ts");
 * ```
 */
export async function checksumFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new ScriptError(path, `Cannot checksum "${path}": ${String(cause)}`, { cause });
  }
  return checksumText(text);
}
