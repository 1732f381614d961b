/**
 * Reads a migration's header exports from its source text, without importing
 * it. Importing 1,000 TypeScript modules costs 0.3–1.7 s on a 2-core machine;
 * scanning 10,000 files as text costs about 0.13 s, so the graph commands
 * (`heads`, `history`, a no-op `upgrade head`) never import migrations.
 *
 * The scanner knows just enough TypeScript to be safe: it skips comments,
 * strings, template literals and regular expressions, tracks bracket depth,
 * and looks at top-level `export` statements only. A header export whose value
 * is not a plain literal — computed, re-exported, `let`, destructured,
 * `export *` — is reported in {@linkcode ParsedHeader.dynamic}, and the caller
 * imports that file instead. It never guesses.
 *
 * @module
 */
import { Scanner, slashStartsRegex } from "./_scanner.ts";
import { fastHeader } from "./_fast_header.ts";

/** Names of the exports that make up a migration's header. */
export const HEADER_FIELDS = [
  "revision",
  "downRevision",
  "message",
  "branchLabels",
  "dependsOn",
  "transactional",
] as const;

/** One of {@linkcode HEADER_FIELDS}. */
export type HeaderField = (typeof HEADER_FIELDS)[number];

/** A literal value the static parser can read. */
export type HeaderLiteral = string | boolean | null | string[];

/** What {@linkcode parseHeader} found in a source text. */
export interface ParsedHeader {
  /** Header exports written as `export const NAME = <literal>`. */
  values: Partial<Record<HeaderField, HeaderLiteral>>;
  /**
   * Header fields that the module may export but whose value cannot be read
   * from the text; a caller must import the module to learn them.
   */
  dynamic: HeaderField[];
  /** Header fields named in top-level code, by export or otherwise. */
  mentioned: HeaderField[];
}

const FIELD_SET: ReadonlySet<string> = new Set(HEADER_FIELDS);

// Comments, strings, template starts, brackets, slashes, `export` and the
// field names: everything else at any depth is skipped by the regex engine.
const TOKEN = new RegExp(
  [
    String.raw`\/\/[^\n\r\u2028\u2029]*`,
    String.raw`\/\*[\s\S]*?(?:\*\/|$)`,
    String.raw`"(?:[^"\\\n\r]|\\[\s\S])*"?`,
    String.raw`'(?:[^'\\\n\r]|\\[\s\S])*'?`,
    "[`{}()[\\]/]",
    String.raw`\b(?:export|${HEADER_FIELDS.join("|")})\b`,
  ].join("|"),
  "g",
);

// The usual form, `export const NAME[: TYPE] = "text" | 'text' | null | true | false [as const];`,
// matched in one step; anything else goes through the token scanner.
const FAST_EXPORT = new RegExp(
  String.raw`export[ \t]+const[ \t]+(${HEADER_FIELDS.join("|")})[ \t]*` +
    String.raw`(?::[^=;\n\r"'\`/{}]*)?=[ \t]*` +
    String.raw`(?:"([^"\\\n\r]*)"|'([^'\\\n\r]*)'|(null|true|false))` +
    String.raw`[ \t]*(?:as[ \t]+const[ \t]*)?;`,
  "y",
);

// After `export`, what may export a field without naming it at top level:
// `{ … }` lists, `*`, and declarations of a field or destructuring ones. (Other
// forms, such as `export function revision()`, name the field at top level,
// which counts as a mention.)
const MAY_EXPORT_FIELD = new RegExp(
  String.raw`^export(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n\r]*)*(?:[{*]|(?:const|let|var)\b` +
    String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n\r]*)*(?:[{[]|(?:${HEADER_FIELDS.join("|")})\b))`,
);

/**
 * Whether the code just before `i` is `.` (a property access, not a binding),
 * looking past blank space and the comments seen so far (`comments` maps the
 * end of each to its start): a comment that ends in a period is not a dot.
 */
function afterDot(src: string, i: number, comments: ReadonlyMap<number, number>): boolean {
  let j = i;
  while (true) {
    while (j > 0 && /\s/.test(src[j - 1] as string)) j--;
    const start = comments.get(j);
    if (start === undefined) break;
    j = start;
  }
  return src[j - 1] === ".";
}

function isField(name: string): name is HeaderField {
  return FIELD_SET.has(name);
}

/**
 * Parses the header exports of a migration's source text.
 *
 * Accepted forms: `export const NAME = VALUE` with an optional type
 * annotation (`: string | string[] | null`), where `VALUE` is a single- or
 * double-quoted string, a template literal without substitutions, `null`,
 * `true`, `false`, or an array of strings (comments and a trailing comma
 * allowed), optionally followed by `as const`.
 *
 * The literal form `strata revision` writes is read by a line-by-line fast
 * path first (`_fast_header.ts`); whatever it cannot prove goes through the
 * careful scanner, so both give the same answer.
 *
 * @param source The file's text.
 * @param options `fast: false` skips the fast path (for tests that compare the two).
 * @returns The literal values found, and the fields that need an import.
 *
 * @example Reading a header
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHeader } from "./parse_header.ts";
 * const parsed = parseHeader(`
 *   export const revision = "ab12";
 *   export const downRevision: string | null = null; // a base
 * `);
 * assert.equal(parsed.values.revision, "ab12");
 * assert.equal(parsed.values.downRevision, null);
 * assert.equal(parsed.dynamic.length, 0);
 * ```
 */
export function parseHeader(source: string, options: { fast?: boolean } = {}): ParsedHeader {
  if (options.fast !== false) {
    const fast = fastHeader(source);
    if (fast) return fast;
  }
  const s = new Scanner(source);
  const values: Partial<Record<HeaderField, HeaderLiteral>> = {};
  const dynamic = new Set<HeaderField>();
  const mentioned = new Set<HeaderField>();

  const setValue = (name: HeaderField, value: HeaderLiteral | undefined) => {
    mentioned.add(name);
    if (value === undefined || name in values) {
      // Not a literal, or declared twice (the import will report the error).
      dynamic.add(name);
      delete values[name];
    } else {
      values[name] = value;
    }
  };

  // TOKEN jumps natively from one thing that matters to the next, so most
  // text is never looked at by JavaScript code; `s` handles the rare rest.
  let pos = source.startsWith("#!") ? source.search(/[\n\r]|$/) : 0;
  let depth = 0;
  const comments = new Map<number, number>();
  while (true) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (!m) break;
    const text = m[0];
    const at = m.index;
    pos = at + text.length;
    const c = text.charCodeAt(0);
    if (c === 123 || c === 40 || c === 91) depth++;
    else if (c === 125 || c === 41 || c === 93) depth--;
    else if (c === 34 || c === 39) continue;
    else if (c === 47 && text.length > 1) {
      comments.set(pos, at);
      continue;
    } else if (c === 96 || c === 47) {
      if (c === 47 && !slashStartsRegex(source, at)) continue;
      s.seek(at, depth);
      s.next(); // the template literal or regular expression
      pos = s.pos;
    } else if (depth === 0 && !afterDot(source, at, comments)) {
      if (text !== "export") {
        mentioned.add(text as HeaderField);
        continue;
      }
      FAST_EXPORT.lastIndex = at;
      const f = FAST_EXPORT.exec(source);
      if (f) {
        const word = f[4];
        setValue(f[1] as HeaderField, f[2] ?? f[3] ?? (word === "null" ? null : word === "true"));
        pos = FAST_EXPORT.lastIndex;
      } else if (MAY_EXPORT_FIELD.test(source.slice(at, at + 200))) {
        s.seek(pos, 0);
        readExport(s, setValue, dynamic, mentioned);
        pos = s.pos;
        depth = s.depth;
      }
    }
  }
  // A field named at top level but not captured as a literal export may still
  // be exported (`const a = 1, revision = "x"`, `export { x as revision }`).
  for (const name of mentioned) if (!(name in values)) dynamic.add(name);
  return { values, dynamic: [...dynamic], mentioned: [...mentioned] };
}

/** Handles the tokens after a top-level `export`. */
function readExport(
  s: Scanner,
  setValue: (name: HeaderField, value: HeaderLiteral | undefined) => void,
  dynamic: Set<HeaderField>,
  mentioned: Set<HeaderField>,
): void {
  const start = s.mark();
  const word = s.next();
  if (word.kind === "punct" && word.text === "*") {
    // `export * from "…"` may export anything.
    for (const name of HEADER_FIELDS) dynamic.add(name);
    return;
  }
  if (word.kind === "punct" && word.text === "{") {
    // `export { a, b as revision } [from "…"]`: names in the list are not literals here.
    while (true) {
      const t = s.next();
      if (t.kind === "eof" || (t.kind === "punct" && t.text === "}")) return;
      if ((t.kind === "ident" || t.kind === "string") && isField(t.text)) {
        mentioned.add(t.text);
        dynamic.add(t.text);
      }
    }
  }
  if (word.kind !== "ident") {
    s.reset(start);
    return;
  }
  if (word.text === "let" || word.text === "var" || word.text === "const") {
    const afterKeyword = s.mark();
    const name = s.next();
    if (name.kind === "punct" && (name.text === "{" || name.text === "[")) {
      // Destructured exports: the names are not literals.
      for (const field of HEADER_FIELDS) dynamic.add(field);
      s.reset(afterKeyword);
      return;
    }
    if (name.kind !== "ident" || !isField(name.text)) {
      s.reset(afterKeyword);
      return;
    }
    const afterName = s.mark();
    const value = word.text === "const" ? readInitializer(s) : undefined;
    setValue(name.text, value);
    if (value === undefined) s.reset(afterName);
    return;
  }
  if (["function", "class", "enum", "namespace", "async"].includes(word.text)) {
    const afterKeyword = s.mark();
    let name = s.next();
    if (name.kind === "ident" && name.text === "function") name = s.next();
    if (name.kind === "ident" && isField(name.text)) setValue(name.text, undefined);
    s.reset(afterKeyword);
    return;
  }
  s.reset(start);
}

/**
 * Reads `[: TYPE] = LITERAL [as const]` and checks that the statement ends
 * there. Returns `undefined` when it is anything else.
 */
function readInitializer(s: Scanner): HeaderLiteral | undefined {
  let t = s.next();
  if (t.kind === "punct" && t.text === ":") {
    if (!s.skipType()) return undefined;
    t = s.next();
  }
  if (t.kind !== "punct" || t.text !== "=") return undefined;
  const value = readLiteral(s);
  if (value === undefined) return undefined;
  const end = s.mark();
  let after = s.next();
  if (after.kind === "ident" && after.text === "as") {
    const c = s.next();
    if (c.kind !== "ident" || c.text !== "const") return undefined;
    after = s.next();
  }
  // The statement must end: `;`, end of file, or a new statement on a new line.
  const ends = after.kind === "eof" ||
    (after.kind === "punct" && after.text === ";") ||
    (after.kind === "ident" && after.newlineBefore &&
      !["as", "satisfies", "in", "instanceof"].includes(after.text));
  if (!ends) return undefined;
  if (after.kind === "ident") s.reset(end);
  return value;
}

/** Reads one literal value; `undefined` when the next token is not one. */
function readLiteral(s: Scanner): HeaderLiteral | undefined {
  const t = s.next();
  if (t.kind === "string") return t.value;
  if (t.kind === "ident") {
    if (t.text === "null") return null;
    if (t.text === "true") return true;
    if (t.text === "false") return false;
    return undefined;
  }
  if (t.kind !== "punct" || t.text !== "[") return undefined;
  const items: string[] = [];
  while (true) {
    const item = s.next();
    if (item.kind === "punct" && item.text === "]") return items;
    if (item.kind !== "string" || item.value === undefined) return undefined;
    items.push(item.value);
    const sep = s.next();
    if (sep.kind === "punct" && sep.text === "]") return items;
    if (sep.kind !== "punct" || sep.text !== ",") return undefined;
  }
}
