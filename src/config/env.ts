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

/**
 * Reads and parses `.env` in `cwd` with `node:util`'s `parseEnv` (`KEY=value`
 * lines, `#` comments, quotes, `export ` prefixes).
 *
 * @param cwd The working directory.
 * @returns The variables, or an empty object when there is no `.env`.
 * @throws {ConfigError} When `.env` exists but cannot be read.
 *
 * @example
 * ```ts
 * import { readDotEnv } from "./env.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/.env`, "STRATA_DIR=db/migrations\n");
 * console.assert((await readDotEnv(dir)).STRATA_DIR === "db/migrations");
 * ```
 */
export async function readDotEnv(cwd: string): Promise<Record<string, string>> {
  const path = join(cwd, ".env");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return {};
    if (e instanceof Deno.errors.IsADirectory) return {};
    throw new ConfigError(`Cannot read "${path}": ${(e as Error).message}`, {
      hint: "fix its permissions or remove it",
      cause: e,
    });
  }
  return { ...parseEnv(text) } as Record<string, string>;
}
