/**
 * Test helpers for driver and config tests (node:assert has no
 * "return the error" variants).
 *
 * @module
 */
import assert from "node:assert";

/**
 * Asserts that an async action rejects with an instance of `cls` and returns
 * the error: the one reject assertion the tests share.
 *
 * @param action The promise, or a function that starts it.
 * @param cls The expected error class (`Error` for any error).
 * @param match Text the message must contain, or a pattern it must match.
 * @returns The error.
 */
export async function rejectsWith<E extends Error>(
  action: Promise<unknown> | (() => Promise<unknown>),
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
  match?: string | RegExp,
): Promise<E> {
  try {
    await (typeof action === "function" ? action() : action);
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? e.stack : e}`);
    checkMessage(e, match);
    return e;
  }
  throw new assert.AssertionError({ message: `expected a ${cls.name} rejection` });
}

function checkMessage(e: Error, match: string | RegExp | undefined): void {
  if (typeof match === "string") {
    assert(e.message.includes(match), `"${e.message}" does not include "${match}"`);
  } else if (match !== undefined) {
    assert.match(e.message, match);
  }
}

/**
 * Asserts that `fn` throws an instance of `cls` and returns the error.
 *
 * @param fn The action.
 * @param cls The expected error class.
 * @param includes Text the message must contain.
 * @returns The error.
 */
export function throwsWith<E extends Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? e.stack : e}`);
    checkMessage(e, includes);
    return e;
  }
  throw new assert.AssertionError({ message: `expected a ${cls.name} throw` });
}
