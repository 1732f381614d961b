/**
 * The fast path of header parsing, private to `src/script/`: the literal
 * form that `strata revision` writes, read line by line with one sticky
 * regular expression per line, and no tokenizing of the rest of the file.
 *
 * It accepts only what it can prove: the file opens with comments, blank
 * lines, imports that name no header field, and `export const NAME[: TYPE] =
 * LITERAL;` lines (a plain string, `null`, `true`, `false`, or an array of
 * plain strings, on one line or one item a line); and after that header, no
 * header field's name and no `export {`/`export *` appear anywhere in the
 * text, not even in a string or a comment. Anything else returns `undefined` and the careful tokenizer
 * (`parse_header.ts`) decides. So the fast path never gives a different
 * answer, only sometimes none.
 *
 * @module
 */
import type { HeaderField, HeaderLiteral, ParsedHeader } from "./parse_header.ts";

const FIELDS = "revision|downRevision|message|branchLabels|dependsOn|transactional";

// A plain string: no escapes, no line breaks.
const STR = String.raw`"[^"\\\n\r]*"|'[^'\\\n\r]*'`;

// One header line.
const EXPORT_LINE = new RegExp(
  String.raw`export[ \t]+const[ \t]+(${FIELDS})[ \t]*(?::[^=;\n\r"'\`/{}]*)?=[ \t]*` +
    String
      .raw`(${STR}|null|true|false|\[\s*(?:(?:${STR})\s*(?:,\s*(?:${STR})\s*)*,?\s*)?\])` +
    String.raw`[ \t]*(?:as[ \t]+const[ \t]*)?;[ \t]*(?://[^\n\r]*)?(?:\r?\n|$)`,
  "y",
);

// What may come between header lines: blank space, comments, imports.
const TRIVIA = new RegExp(
  String
    .raw`(?:[ \t]*(?:\r?\n)|[ \t]*//[^\n\r]*(?:\r?\n|$)|[ \t]*/\*[\s\S]*?\*/[ \t]*(?:\r?\n|$)|` +
    String.raw`[ \t]*import[ \t][^;\n\r]*;[ \t]*(?:\r?\n|$))+`,
  "y",
);

// After the header: anything that could export or mention a field.
const UNSAFE_REST = new RegExp(String.raw`\b(?:${FIELDS})\b|\bexport\s*[*{]`);
const FIELD_WORD = new RegExp(String.raw`\b(?:${FIELDS})\b`);

/**
 * Reads the header of a file written in the literal form, or gives up.
 *
 * @param source The file's text.
 * @returns What {@linkcode parseHeader} would return, or `undefined` when the
 *   careful tokenizer must decide.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fastHeader } from "./_fast_header.ts";
 * const h = fastHeader('export const revision = "a1";\nexport const downRevision = null;\n');
 * assert.equal(h?.values.revision, "a1");
 * assert.equal(h.values.downRevision, null);
 * assert.equal(fastHeader('export const revision = "a" + "b";\n'), undefined);
 * ```
 */
export function fastHeader(source: string): ParsedHeader | undefined {
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (source.startsWith("#!", pos)) return undefined;
  const values: Partial<Record<HeaderField, HeaderLiteral>> = {};
  const mentioned: HeaderField[] = [];
  while (pos < source.length) {
    TRIVIA.lastIndex = pos;
    const trivia = TRIVIA.exec(source);
    if (trivia) {
      // An import that names a field counts as a mention: the careful path decides.
      if (FIELD_WORD.test(trivia[0])) return undefined;
      pos = TRIVIA.lastIndex;
      continue;
    }
    EXPORT_LINE.lastIndex = pos;
    const line = EXPORT_LINE.exec(source);
    if (!line) break;
    const name = line[1] as HeaderField;
    if (name in values) return undefined; // declared twice
    values[name] = literal(line[2] as string);
    mentioned.push(name);
    pos = EXPORT_LINE.lastIndex;
  }
  if (UNSAFE_REST.test(source.slice(pos))) return undefined;
  return { values, dynamic: [], mentioned };
}

function literal(text: string): HeaderLiteral {
  if (text === "null") return null;
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.startsWith("[")) {
    return [...text.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? "");
  }
  return text.slice(1, -1);
}
