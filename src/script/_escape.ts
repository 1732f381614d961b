/**
 * String-literal escape decoding for the header scanner, private to
 * `src/script/`.
 *
 * @module
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
};

/**
 * Decodes the string escape whose letter (after the backslash) is at `i`.
 *
 * @param src The source text.
 * @param i Offset of the character after `\\`.
 * @returns The decoded text (`undefined` when the escape is invalid in strict
 *   code, such as an octal escape) and the offset after the escape.
 */
export function decodeEscape(src: string, i: number): [string | undefined, number] {
  const e = src[i];
  if (e === undefined) return [undefined, i];
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return [simple, i + 1];
  if (e === "\r") return ["", src[i + 1] === "\n" ? i + 2 : i + 1];
  if (e === "\n" || e === "\u2028" || e === "\u2029") return ["", i + 1];
  if (e === "0" && !/[0-9]/.test(src[i + 1] ?? "")) return ["\0", i + 1];
  if (/[0-9]/.test(e)) return [undefined, i + 1];
  if (e === "x") {
    const hex = src.slice(i + 1, i + 3);
    return /^[0-9a-fA-F]{2}$/.test(hex)
      ? [String.fromCharCode(parseInt(hex, 16)), i + 3]
      : [undefined, i + 1];
  }
  if (e === "u") {
    const m = /^\{([0-9a-fA-F]{1,6})\}|^[0-9a-fA-F]{4}/.exec(src.slice(i + 1, i + 10));
    if (!m) return [undefined, i + 1];
    const code = parseInt(m[1] ?? m[0], 16);
    if (code > 0x10ffff) return [undefined, i + 1 + m[0].length];
    return [String.fromCodePoint(code), i + 1 + m[0].length];
  }
  return [e, i + 1];
}
