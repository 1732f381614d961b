/**
 * Small file-system helpers shared across `src/`.
 *
 * @module
 */

/**
 * Whether something exists at `path` (a symbolic link counts, even a dangling
 * one; any error reading it counts as nothing there).
 *
 * @param path The path.
 * @returns `true` when `lstat` succeeds.
 */
export async function exists(path: string): Promise<boolean> {
  return (await Deno.lstat(path).catch(() => null)) !== null;
}
