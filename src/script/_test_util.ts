/**
 * Helpers for the tests of `src/script/`.
 *
 * @module
 */
import { join } from "node:path";

/**
 * Runs `fn` with a fresh temporary directory holding `files`, then removes it.
 *
 * @param files File names and contents to write first.
 * @param fn The test body.
 * @returns What `fn` returns.
 */
export async function withDir<T>(
  files: Record<string, string>,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "strata_script_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * A minimal valid migration.
 *
 * @param revision Its id.
 * @param down Its parent (`null` for a base).
 * @param extra Text appended to the file.
 * @returns The source.
 */
export function migration(revision: string, down: string | null, extra = ""): string {
  return `export const revision = "${revision}";
export const downRevision = ${JSON.stringify(down)};
export const message = "m ${revision}";
export async function upgrade(_op: unknown) {}
export async function downgrade(_op: unknown) {}
${extra}`;
}
