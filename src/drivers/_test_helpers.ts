/**
 * Test helpers for driver and config tests (node:assert has no
 * "return the error" variants).
 *
 * @module
 */
import assert from "node:assert";

/**
 * Asserts that `fn` rejects with an instance of `cls` and returns the error.
 *
 * @param fn The async action.
 * @param cls The expected error class.
 * @param includes Text the message must contain.
 * @returns The error.
 */
export async function rejectsWith<E extends Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? e.stack : e}`);
    if (includes !== undefined) {
      assert(e.message.includes(includes), `"${e.message}" does not include "${includes}"`);
    }
    return e;
  }
  throw new assert.AssertionError({ message: `expected a ${cls.name} rejection` });
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
    if (includes !== undefined) {
      assert(e.message.includes(includes), `"${e.message}" does not include "${includes}"`);
    }
    return e;
  }
  throw new assert.AssertionError({ message: `expected a ${cls.name} throw` });
}
