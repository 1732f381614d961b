/**
 * Checksums of migration files, recorded with each applied step so that a
 * migration edited after it was applied can be detected.
 *
 * The checksum is CRC-32 (as Flyway uses for the same job) of the file's
 * *normalized* text encoded as UTF-8, written `crc32n:xxxxxxxx`. Normalizing
 * (see {@linkcode normalizeSource}) drops what a checkout or an editor changes
 * without anyone editing the migration: CRLF or CR line ends (git
 * `core.autocrlf`), a byte-order mark, and blank space or extra newlines at
 * the end of the file. Anything else, including spaces inside a line, is an
 * edit. CRC-32 detects edits, not attacks, and it is cheap enough to compute
 * for every file on every run: discovery already holds the text, so a no-op
 * `upgrade` with 1,000 applied migrations can check them all (SHA-256 through
 * `crypto.subtle` cost 20–90 ms for that, measured; CRC-32 costs a few).
 *
 * **Rows written before normalization.** Strata 0.1.0 recorded `crc32:` and
 * the CRC-32 of the raw text. Those rows stay in users' history tables, so
 * {@linkcode checksumMatches} compares a `crc32:` row with the old algorithm:
 * it matches the CRC-32 of the raw text as read now, or of the normalized
 * text (so a file applied with LF line ends and later converted to CRLF is
 * still unchanged). Only a file that was applied with CRLF line ends and later
 * converted to LF shows as edited against such an old row. The prefix of a
 * new row says which algorithm wrote it; an unknown prefix never matches.
 *
 * @module
 */
import { ScriptError } from "../errors.ts";

/** Prefix of the current checksum: CRC-32 of the normalized text. */
const NORMALIZED = "crc32n:";
/** Prefix written before normalization existed: CRC-32 of the raw text. */
const LEGACY = "crc32:";

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

/** CRC-32 of the UTF-8 bytes of `text`, as 8 lower-case hex digits. */
function crc32Hex(text: string): string {
  // A local binding: reading the module-level `table` inside the loop costs
  // about twice as much (measured).
  const t = table ??= crcTable();
  const bytes = encoder.encode(text);
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

/** Whether `code` is a character `String.prototype.trimEnd` removes. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff ||
    code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/**
 * The text a checksum is computed over: without a leading byte-order mark,
 * with `\r\n` and lone `\r` line ends turned into `\n`, and with blank space
 * at the end of the file reduced to one `\n` (nothing for a blank file).
 *
 * @param text The file's contents.
 * @returns The normalized text: `text` itself when it is already normal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeSource } from "./checksum.ts";
 * assert.equal(normalizeSource("\uFEFFa\r\nb\r\n\r\n"), "a\nb\n");
 * ```
 */
export function normalizeSource(text: string): string {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.includes("\r")) t = t.replace(/\r\n?/g, "\n");
  const n = t.length;
  // The usual case, one final newline after a non-blank character, allocates nothing.
  if (n >= 2 && t.charCodeAt(n - 1) === 10 && !isSpace(t.charCodeAt(n - 2))) return t;
  const end = t.trimEnd();
  return end === "" ? "" : end + "\n";
}

/**
 * The checksum of a migration's source text (see the module documentation).
 *
 * @param text The file's contents.
 * @returns `crc32n:` and 8 lower-case hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksumText } from "./checksum.ts";
 * assert.equal(checksumText("hello"), "crc32n:363a3020");
 * assert.equal(checksumText("hello\r\n"), checksumText("hello"));
 * ```
 */
export function checksumText(text: string): string {
  return NORMALIZED + crc32Hex(normalizeSource(text));
}

/** The checksums discovery keeps for one file. */
export interface SourceChecksums {
  /** The checksum to record: `crc32n:` of the normalized text. */
  checksum: string;
  /**
   * `crc32:` of the raw text, as Strata 0.1.0 recorded it; present only when
   * normalizing changed the text (otherwise it has `checksum`'s digits).
   */
  legacyChecksum?: string;
}

/**
 * The checksums of a file's text, computed once from the text discovery has
 * already read: the current one, and the old raw-text one when it differs.
 *
 * @param text The file's contents.
 * @returns The checksums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceChecksums } from "./checksum.ts";
 * assert.equal(sourceChecksums("abc").legacyChecksum, "crc32:352441c2");
 * assert.equal(sourceChecksums("abc\n").legacyChecksum, undefined);
 * ```
 */
export function sourceChecksums(text: string): SourceChecksums {
  const normal = normalizeSource(text);
  const checksum = NORMALIZED + crc32Hex(normal);
  return normal === text ? { checksum } : { checksum, legacyChecksum: LEGACY + crc32Hex(text) };
}

/**
 * Whether a checksum recorded in the history table still describes a file.
 * A `crc32:` row (written before normalization) is compared with the old
 * algorithm, as the module documentation explains.
 *
 * @param stored The recorded checksum.
 * @param file The file's checksums now (a `Script`, or {@linkcode sourceChecksums}).
 * @returns `true` when the file is unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksumMatches, sourceChecksums } from "./checksum.ts";
 * assert(checksumMatches("crc32:352441c2", sourceChecksums("abc")));
 * assert(checksumMatches("crc32n:4788814e", sourceChecksums("abc\r\n")));
 * assert(!checksumMatches("crc32n:4788814e", sourceChecksums("abd\n")));
 * ```
 */
export function checksumMatches(stored: string, file: SourceChecksums): boolean {
  if (stored === file.checksum) return true;
  if (!stored.startsWith(LEGACY)) return false;
  if (stored === file.legacyChecksum) return true;
  return file.checksum.startsWith(NORMALIZED) &&
    stored.slice(LEGACY.length) === file.checksum.slice(NORMALIZED.length);
}

/**
 * The checksum of a file (see {@linkcode checksumText}).
 *
 * @param path The file.
 * @returns `crc32n:` and 8 hex digits.
 * @throws {ScriptError} When the file cannot be read.
 *
 * @example Checksum of a migration
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksumFile, checksumText } from "./checksum.ts";
 * const path = await Deno.makeTempFile({ suffix: ".ts" });
 * await Deno.writeTextFile(path, "hello\r\n");
 * assert.equal(await checksumFile(path), checksumText("hello"));
 * await Deno.remove(path);
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
