/**
 * The `.env` layer: variables from a `.env` file in the working directory.
 * They never overwrite the real environment: `resolveConfig` ranks the real
 * environment above this layer, and nothing here touches `Deno.env`.
 *
 * @module
 */
import { parseEnv } from "node:util";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";

/** A read `.env` file. */
export interface DotEnv {
  /** Absolute path of the file. */
  path: string;
  /** Whether the file exists. */
  found: boolean;
  /** Its variables (empty when it does not exist). */
  vars: Record<string, string>;
}

/**
 * Reads and parses `.env` in `cwd` with `node:util`'s `parseEnv` (`KEY=value`
 * lines, `#` comments, quotes, `export ` prefixes).
 *
 * @param cwd The working directory.
 * @returns The path, whether it exists, and its variables.
 * @throws {ConfigError} When `.env` exists but cannot be read.
 *
 * @example
 * ```ts
 * import { loadDotEnv } from "./env.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.equal((await loadDotEnv(dir)).found, false);
 * await Deno.writeTextFile(`${dir}/.env`, "STRATA_DIR=db/migrations\n");
 * assert.equal((await loadDotEnv(dir)).vars.STRATA_DIR, "db/migrations");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadDotEnv(cwd: string): Promise<DotEnv> {
  const path = join(cwd, ".env");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { path, found: false, vars: {} };
    if (e instanceof Deno.errors.IsADirectory) return { path, found: false, vars: {} };
    throw new ConfigError(`Cannot read "${path}": ${(e as Error).message}`, {
      hint: "fix its permissions or remove it",
      cause: e,
    });
  }
  return { path, found: true, vars: { ...parseEnv(text) } as Record<string, string> };
}

/**
 * The variables of `.env` in `cwd` (see {@linkcode loadDotEnv}).
 *
 * @param cwd The working directory.
 * @returns The variables, or an empty object when there is no `.env`.
 * @throws {ConfigError} When `.env` exists but cannot be read.
 *
 * @example
 * ```ts
 * import { readDotEnv } from "./env.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/.env`, "STRATA_DIR=db/migrations\n");
 * assert.equal((await readDotEnv(dir)).STRATA_DIR, "db/migrations");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readDotEnv(cwd: string): Promise<Record<string, string>> {
  return (await loadDotEnv(cwd)).vars;
}
