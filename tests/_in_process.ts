/**
 * Helpers for tests that run the CLI in this process
 * (`runCliInProcess` in `_helpers.ts`).
 *
 * @module
 */

/**
 * The names of the entries of a directory, recursively, sorted: to show that
 * a command created nothing.
 *
 * @param dir The directory.
 * @returns Relative paths.
 */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(rel ? `${dir}/${rel}` : dir)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      out.push(path);
      if (e.isDirectory) walk(path);
    }
  };
  walk("");
  return out.sort();
}
