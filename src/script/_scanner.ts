/**
 * A small TypeScript tokenizer, private to `src/script/`: just enough to find
 * top-level header exports safely. It skips comments, strings, template
 * literals and regular expressions, and tracks `{ ( [` nesting.
 *
 * @module
 */
import { decodeEscape } from "./_escape.ts";

/** One token. Only the kinds the header parser needs are told apart. */
export interface Token {
  /** `ident` (names and keywords), `string`, `punct`, `other` (numbers, regexes) or `eof`. */
  kind: "ident" | "string" | "punct" | "other" | "eof";
  /** The identifier, punctuator, or a string's cooked value (`""` when invalid). */
  text: string;
  /** A string's cooked value; `undefined` for a template with `${}` or a bad escape. */
  value?: string | undefined;
  /** A line break comes between the previous token and this one. */
  newlineBefore: boolean;
  /** The previous token is `.` or `?.` (a property access, not a binding). */
  afterDot: boolean;
}

/** Scanner state that {@linkcode Scanner.reset} restores. */
export interface Mark {
  pos: number;
  depth: number;
  regexAllowed: boolean;
  afterDot: boolean;
}

// After these words a `/` starts a regular expression, not a division.
const REGEX_AFTER = new Set(
  "return typeof case do else in of new delete void throw instanceof yield await".split(" "),
);

// What can change nesting, or hide a bracket, inside skipped code.
const INTERESTING = /[{}()[\]"'`/]/g;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 ||
    (c > 127 && c !== 0xa0 && c !== 0xfeff && c !== 0x2028 && c !== 0x2029);
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isNewline(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * Whether the `/` at `i` (not starting a comment) starts a regular expression
 * rather than a division, judged by the code just before it.
 *
 * @param src The source text.
 * @param i Offset of the `/`.
 * @returns `true` for a regular expression.
 */
export function slashStartsRegex(src: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && /\s/.test(src[j] as string)) j--;
  if (j < 0) return true;
  const c = src.charCodeAt(j);
  if (c === 41 || c === 93 || c === 125) return false;
  if (!isIdentPart(c)) return true;
  let k = j;
  while (k > 0 && isIdentPart(src.charCodeAt(k - 1))) k--;
  return REGEX_AFTER.has(src.slice(k, j + 1));
}

/** A forward-only tokenizer over one source text, with marks to back up. */
export class Scanner {
  /** Current offset in the source. */
  pos = 0;
  /** Current `{ ( [` nesting depth; 0 is the module's top level. */
  depth = 0;
  #src: string;
  #regexAllowed = true;
  #afterDot = false;

  /** @param src The source text. */
  constructor(src: string) {
    this.#src = src;
    if (src.startsWith("#!")) this.pos = this.#lineEnd(0);
  }

  /** @returns The state to pass to {@linkcode Scanner.reset}. */
  mark(): Mark {
    return {
      pos: this.pos,
      depth: this.depth,
      regexAllowed: this.#regexAllowed,
      afterDot: this.#afterDot,
    };
  }

  /** @param m A state from {@linkcode Scanner.mark}. */
  reset(m: Mark): void {
    this.pos = m.pos;
    this.depth = m.depth;
    this.#regexAllowed = m.regexAllowed;
    this.#afterDot = m.afterDot;
  }

  /** @returns The next token (`eof` at the end, forever). */
  next(): Token {
    const src = this.#src;
    const newlineBefore = this.#skipTrivia();
    const afterDot = this.#afterDot;
    this.#afterDot = false;
    const start = this.pos;
    if (start >= src.length) return { kind: "eof", text: "", newlineBefore, afterDot };
    const c = src.charCodeAt(start);
    if (isIdentStart(c) || c === 92 /* \ escape in a name */) {
      let i = start + 1;
      while (i < src.length && isIdentPart(src.charCodeAt(i))) i++;
      this.pos = i;
      const text = src.slice(start, i);
      this.#regexAllowed = REGEX_AFTER.has(text);
      return { kind: "ident", text, newlineBefore, afterDot };
    }
    if (c === 34 || c === 39) {
      const value = this.#quoted(c);
      this.#regexAllowed = false;
      return { kind: "string", text: value ?? "", value, newlineBefore, afterDot };
    }
    if (c === 96) {
      const value = this.#template();
      this.#regexAllowed = false;
      return { kind: "string", text: value ?? "", value, newlineBefore, afterDot };
    }
    if ((c >= 48 && c <= 57) || (c === 46 && /[0-9]/.test(src[start + 1] ?? ""))) {
      let i = start + 1;
      while (i < src.length && (isIdentPart(src.charCodeAt(i)) || src[i] === ".")) i++;
      this.pos = i;
      this.#regexAllowed = false;
      return { kind: "other", text: src.slice(start, i), newlineBefore, afterDot };
    }
    if (c === 47 && this.#regexAllowed) {
      this.#regex();
      this.#regexAllowed = false;
      return { kind: "other", text: src.slice(start, this.pos), newlineBefore, afterDot };
    }
    let text = src[start] as string;
    if (text === "=" && (src[start + 1] === "=" || src[start + 1] === ">")) text += src[start + 1];
    if (text === "?" && src[start + 1] === "." && !/[0-9]/.test(src[start + 2] ?? "")) text = "?.";
    this.pos = start + text.length;
    if (text === "{" || text === "(" || text === "[") this.depth++;
    if (text === "}" || text === ")" || text === "]") this.depth--;
    this.#regexAllowed = text !== ")" && text !== "]" && text !== "}";
    this.#afterDot = text === "." || text === "?.";
    return { kind: "punct", text, newlineBefore, afterDot };
  }

  /**
   * Skips a type annotation up to the `=` that ends it (left unread).
   *
   * @returns `false` when the statement ends without an initializer.
   */
  skipType(): boolean {
    let nest = 0;
    while (true) {
      const before = this.mark();
      const t = this.next();
      if (t.kind === "eof") return false;
      if (t.kind !== "punct") continue;
      if (t.text === "=" && nest === 0) {
        this.reset(before);
        return true;
      }
      if (t.text === ";" && nest === 0) return false;
      if ("([{<".includes(t.text)) nest++;
      if (")]}>".includes(t.text)) nest--;
    }
  }

  /**
   * Moves to `pos` at nesting `depth`, where a new statement or expression starts.
   *
   * @param pos The offset.
   * @param depth The bracket depth there.
   */
  seek(pos: number, depth: number): void {
    this.pos = pos;
    this.depth = depth;
    this.#regexAllowed = true;
    this.#afterDot = false;
  }

  /** Skips code to where nesting is back at `target` (used for template substitutions). */
  #skipTo(target: number): void {
    const src = this.#src;
    while (this.depth > target) {
      INTERESTING.lastIndex = this.pos;
      const m = INTERESTING.exec(src);
      if (!m) {
        this.pos = src.length;
        break;
      }
      const i = m.index;
      const c = src.charCodeAt(i);
      this.pos = i + 1;
      if (c === 123 || c === 40 || c === 91) this.depth++;
      else if (c === 125 || c === 41 || c === 93) this.depth--;
      else if (c === 34 || c === 39) {
        this.pos = i;
        this.#quoted(c);
      } else if (c === 96) {
        this.pos = i;
        this.#template();
      } else if (src.charCodeAt(i + 1) === 47) {
        this.pos = this.#lineEnd(i);
      } else if (src.charCodeAt(i + 1) === 42) {
        const end = src.indexOf("*/", i + 2);
        this.pos = end < 0 ? src.length : end + 2;
      } else if (slashStartsRegex(src, i)) {
        this.pos = i;
        this.#regex();
      }
    }
    this.#regexAllowed = false;
    this.#afterDot = false;
  }

  /** Skips white space and comments; returns whether a line break was crossed. */
  #skipTrivia(): boolean {
    const src = this.#src;
    let newline = false;
    let i = this.pos;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) {
        i++;
      } else if (isNewline(c)) {
        newline = true;
        i++;
      } else if (c === 47 && src.charCodeAt(i + 1) === 47) {
        i = this.#lineEnd(i);
      } else if (c === 47 && src.charCodeAt(i + 1) === 42) {
        const end = src.indexOf("*/", i + 2);
        const stop = end < 0 ? src.length : end + 2;
        if (/[\n\r\u2028\u2029]/.test(src.slice(i, stop))) newline = true;
        i = stop;
      } else {
        break;
      }
    }
    this.pos = i;
    return newline;
  }

  #lineEnd(i: number): number {
    const src = this.#src;
    while (i < src.length && !isNewline(src.charCodeAt(i))) i++;
    return i;
  }

  /** Reads a quoted string at `pos`; its cooked value, or `undefined` if malformed. */
  #quoted(quote: number): string | undefined {
    const src = this.#src;
    let out = "";
    let i = this.pos + 1;
    let chunk = i;
    let valid = true;
    while (true) {
      if (i >= src.length) {
        this.pos = i;
        return undefined;
      }
      const c = src.charCodeAt(i);
      if (c === quote) {
        this.pos = i + 1;
        return valid ? out + src.slice(chunk, i) : undefined;
      }
      if (c === 10 || c === 13) {
        this.pos = i;
        return undefined;
      }
      if (c === 92) {
        out += src.slice(chunk, i);
        const [text, next] = decodeEscape(src, i + 1);
        if (text === undefined) valid = false;
        else out += text;
        i = chunk = next;
      } else {
        i++;
      }
    }
  }

  /** Reads a template literal; its cooked value, or `undefined` if it has `${}`. */
  #template(): string | undefined {
    const src = this.#src;
    let out = "";
    let i = this.pos + 1;
    let chunk = i;
    let valid = true;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === 96) {
        this.pos = i + 1;
        return valid ? (out + src.slice(chunk, i)).replace(/\r\n?/g, "\n") : undefined;
      }
      if (c === 36 && src.charCodeAt(i + 1) === 123) {
        // A substitution: scan its code (which may hold nested templates) to the `}`.
        valid = false;
        this.pos = i + 2;
        const outer = this.depth++;
        this.#skipTo(outer);
        if (this.depth > outer) return undefined;
        i = chunk = this.pos;
      } else if (c === 92) {
        out += src.slice(chunk, i);
        const [text, next] = decodeEscape(src, i + 1);
        if (text === undefined) valid = false;
        else out += text;
        i = chunk = next;
      } else {
        i++;
      }
    }
    this.pos = src.length;
    return undefined;
  }

  /** Skips a regular-expression literal at `pos`. */
  #regex(): void {
    const src = this.#src;
    let i = this.pos + 1;
    let inClass = false;
    while (i < src.length && !isNewline(src.charCodeAt(i))) {
      const c = src[i];
      if (c === "\\") i++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      i++;
    }
    i++;
    while (i < src.length && isIdentPart(src.charCodeAt(i))) i++;
    this.pos = Math.min(i, src.length);
  }
}
