/**
 * The project's own migration template, as Alembic projects keep
 * `script.py.mako`: `template` in the settings (e.g. strata.json), else
 * `templates/migration.ts.tmpl` in the working directory if it exists, else
 * the template built into Strata (`script/_template.ts`).
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "../config/resolve.ts";
import { ConfigError } from "../errors.ts";

/** Where a project keeps its template by default, relative to the working directory. */
export const PROJECT_TEMPLATE = join("templates", "migration.ts.tmpl");

/** The template to use: a file, or the built-in one (`path` undefined). */
export interface ProjectTemplate {
  path: string | undefined;
  /** Where the choice came from, e.g. `strata.json template`, `default`. */
  source: string;
}

/**
 * Finds the project's template.
 *
 * @param config The configuration (its `template` setting).
 * @param cwd The working directory.
 * @returns The template's path, or none for the built-in one.
 */
export async function projectTemplate(config: Config, cwd: string): Promise<ProjectTemplate> {
  if (config.template !== undefined) {
    return { path: config.template, source: config.source.template ?? "setting" };
  }
  const path = join(cwd, PROJECT_TEMPLATE);
  const info = await Deno.stat(path).catch(() => null);
  return info?.isFile
    ? { path, source: `found ${PROJECT_TEMPLATE}` }
    : { path: undefined, source: "default" };
}

/**
 * Reads the project's template text.
 *
 * @param template The template found by {@linkcode projectTemplate}.
 * @returns Its text, or `undefined` for the built-in one.
 * @throws {ConfigError} When a configured template cannot be read.
 */
export async function readTemplate(template: ProjectTemplate): Promise<string | undefined> {
  if (template.path === undefined) return undefined;
  try {
    return await Deno.readTextFile(template.path);
  } catch (e) {
    throw new ConfigError(
      `Cannot read migration template "${template.path}" (from ${template.source}): ${
        (e as Error).message
      }`,
      { hint: "fix the path, or `strata init --template` to write the default one", cause: e },
    );
  }
}
