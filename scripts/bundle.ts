/**
 * Builds the bundled CLI (`deno task bundle`): `dist/strata.js` and the
 * chunks it loads on demand, beside it.
 *
 * ```sh
 * deno task bundle                              # → dist/strata.js + dist/*.js
 * deno run -A scripts/bundle.ts --outdir /tmp/x # elsewhere
 * ```
 *
 * Why code splitting: as one file, the bundle hoists every static import of
 * the code it inlines to the top, so postgres.js's `node:net`, `node:tls`,
 * `node:crypto`, `node:stream`, `node:os` and `node:fs` loaded on every start,
 * SQLite runs included, and the bundle started slower than the sources. Split
 * at each dynamic `import()`, the PostgreSQL driver, the migration loader, the
 * step runner and the offline writer are separate chunks, loaded when a
 * command needs them, as they are from source.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "..");

/**
 * Bundles `main.ts` with code splitting into `outDir` (replacing what was
 * there) and names the entry `strata.js`.
 *
 * @param outDir The output directory.
 * @returns The path of the entry, `<outDir>/strata.js`.
 * @throws {Error} When `deno bundle` fails.
 *
 * @example
 * ```ts ignore
 * const entry = await buildBundle("dist"); // run it: deno run -A dist/strata.js
 * ```
 */
export async function buildBundle(outDir: string): Promise<string> {
  const target = resolve(outDir);
  const staging = `${target}.staging-${Deno.pid}`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--code-splitting",
      "--outdir",
      staging,
      "main.ts",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  // Chunks import each other, never the entry, so renaming it is safe.
  await Deno.rename(join(staging, "main.js"), join(staging, "strata.js"));
  await Deno.remove(target, { recursive: true }).catch(() => {});
  await Deno.rename(staging, target);
  return join(target, "strata.js");
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { outdir: { type: "string" } } });
  const entry = await buildBundle(values.outdir ?? join(ROOT, "dist"));
  console.error(`wrote ${entry} (and its chunks)`);
}
