/**
 * Keeping passwords out of output, by the structure of URLs rather than by
 * searching for the password's text.
 *
 * Why structure: replacing every occurrence of a password's text corrupts
 * messages whenever the password equals other text (a password `e` turned
 * `error:` into `***rror:`; a password equal to the user name or the scheme
 * masked those), and it misses what it was never told about. A URL's
 * password always sits in the same place: between `://` and the last `@` of
 * the authority. So output is cleaned by masking that place in anything
 * URL-shaped, as dbmate's `redactLogString` does (`main.go`), and Strata's
 * own messages show URLs in a display form that never held the password.
 *
 * @module
 */

/** What a masked secret reads as. */
export const MASK = "***";

const SCHEME_SLASHES = /\b[a-z][a-z0-9+.-]*:\/\//gi;
const PASSWORD_PARAM = /([?&]password=)[^&#\s]*/gi;

/**
 * Masks the password of every URL-shaped `scheme://user:password@host` in a
 * text, keeping the user name: within each run of non-space characters that
 * starts at `scheme://`, everything between the first `:` of the user name
 * and the last `@` becomes `***`. When the part before the last `@` is not a
 * plain `user:password` (an unencoded `@`, `/`, `?` or `#` in it), all of it
 * is masked. `password=` query parameters are masked too. Errs towards hiding
 * more: text after an `@` in a query string may be masked with it.
 *
 * @param text Any text (an error message, a log line).
 * @returns The text with URL passwords masked.
 *
 * @example
 * ```ts
 * import { redactText } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   redactText("error: cannot reach postgres://app:e@db/app"),
 *   "error: cannot reach postgres://app:***@db/app",
 * );
 * ```
 */
export function redactText(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(SCHEME_SLASHES)) {
    const start = m.index + m[0].length;
    if (start < last) continue;
    const end = endOfRun(text, start);
    out += text.slice(last, start) + maskUserinfo(text.slice(start, end), false);
    last = end;
  }
  out += text.slice(last);
  return maskPasswordParam(out);
}

/**
 * Masks the value of every `password=` query parameter in a text.
 *
 * @param text A URL, a query string or any text.
 * @returns The text with `password=***`.
 *
 * @example
 * ```ts
 * import { maskPasswordParam } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maskPasswordParam("?user=a&password=x&b=1"), "?user=a&password=***&b=1");
 * ```
 */
export function maskPasswordParam(text: string): string {
  return text.replace(PASSWORD_PARAM, `$1${MASK}`);
}

/**
 * Masks the whole user information (user name and password) of one URL-ish
 * string, also when it is malformed: for messages about a URL that could not
 * be parsed, where Strata cannot know which part is the password. SQLite URLs
 * are returned unchanged (they hold no credentials, and paths may contain `@`).
 *
 * Handles `scheme://…@host`, `scheme:…@host` (missing `//`) and text with no
 * scheme at all (`user:pw@host/db`).
 *
 * @param url The URL text as given.
 * @returns The text with everything before the last `@` of the authority masked.
 *
 * @example
 * ```ts
 * import { hideUserinfo } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.equal(hideUserinfo("postgres://app:pa@ss/x@db/app"), "postgres://***@db/app");
 * assert.equal(hideUserinfo("sqlite:/srv/a@b.db"), "sqlite:/srv/a@b.db");
 * ```
 */
export function hideUserinfo(url: string): string {
  if (/^\s*sqlite[:+]/i.test(url)) return url;
  const scheme = /^\s*[a-zA-Z][a-zA-Z0-9+.-]*:(\/\/)?/.exec(url)?.[0] ?? "";
  const rest = url.slice(scheme.length);
  return maskPasswordParam(scheme + maskUserinfo(rest, true));
}

/**
 * Masks the user information of `rest` (what follows `scheme://`).
 *
 * @param rest The authority and what follows it.
 * @param whole Mask the user name too.
 */
function maskUserinfo(rest: string, whole: boolean): string {
  const at = rest.lastIndexOf("@");
  if (at < 0) return rest;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const plain = !/[@/?#\s]/.test(userinfo);
  if (whole || !plain) return `${MASK}${rest.slice(at)}`;
  if (colon < 0) return rest; // a user name alone: no password to hide
  return `${user}:${MASK}${rest.slice(at)}`;
}

/** The end of the run of non-space characters starting at `start`. */
function endOfRun(text: string, start: number): number {
  const m = /\s/.exec(text.slice(start));
  return m === null ? text.length : start + m.index;
}
