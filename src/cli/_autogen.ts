/**
 * What `revision --autogenerate`, `check` and `schema dump` share: their
 * options, opening the comparison's databases, and comparing the declared
 * schema with the current one. Private to `src/cli/`.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { orderedSteps } from "../autogen/difference.ts";
import type { Difference } from "../autogen/difference.ts";
import { compareSchemas } from "../autogen/compare.ts";
import { loadDeclaredSchema } from "../autogen/load_declared.ts";
import { type MigrationBodies, renderMigrationBodies } from "../autogen/render_migration.ts";
import { AutogenSession, type CurrentSchema } from "../autogen/session.ts";
import { type Config, resolveConfig } from "../config/resolve.ts";
import { parseDatabaseUrl } from "../config/url.ts";
import { UsageError } from "../errors.ts";
import { type CommandContext, type OptionSpec, stringOpt, stringsOpt } from "./spec.ts";

/** `--dev-url` and `--schema`. */
export const SOURCE_OPTIONS: Record<string, OptionSpec> = {
  "dev-url": {
    type: "string",
    arg: "URL",
    description: "replay the migrations into a scratch database here instead of reading the " +
      "project's database (sqlite::memory:, or a PostgreSQL server where Strata may create one)",
  },
  schema: {
    type: "string",
    arg: "FILE",
    description: "the declared schema (default schema.ts beside the migrations; env STRATA_SCHEMA)",
  },
};

/** The options `revision` gains for `--autogenerate`. */
export const AUTOGENERATE_OPTIONS: Record<string, OptionSpec> = {
  autogenerate: {
    type: "boolean",
    description: "write the difference between the database and the declared schema",
  },
  rename: {
    type: "string",
    multiple: true,
    arg: "T.OLD:NEW",
    description: "with --autogenerate: column OLD of table T was renamed to NEW",
  },
  "rename-table": {
    type: "string",
    multiple: true,
    arg: "OLD:NEW",
    description: "with --autogenerate: table OLD was renamed to NEW",
  },
  "rename-enum-value": {
    type: "string",
    multiple: true,
    arg: "E.OLD:NEW",
    description: "with --autogenerate: value OLD of enum E was renamed to NEW",
  },
  ...SOURCE_OPTIONS,
};

/**
 * The configuration, and the session that reads the current schema: the
 * project's database, or a dev database when `--dev-url` is given (then no
 * project URL is needed or read).
 *
 * @param ctx The command context.
 * @returns The configuration (its `schema` overridden by `--schema`) and the session.
 * @throws {UsageError} For a malformed `--dev-url` or a SQLite one not in memory.
 */
export async function openSession(
  ctx: CommandContext,
): Promise<{ config: Config; session: AutogenSession }> {
  const devText = stringOpt(ctx.values, "dev-url");
  let config: Config;
  if (devText === undefined) config = await ctx.config();
  else {
    config = await resolveConfig(
      {
        url: devText,
        dir: stringOpt(ctx.values, "dir"),
        config: stringOpt(ctx.values, "config"),
        lockTimeout: stringOpt(ctx.values, "lock-timeout"),
      },
      ctx.env,
      ctx.cwd,
    );
  }
  const schema = stringOpt(ctx.values, "schema");
  if (schema !== undefined) config = { ...config, schema: resolve(ctx.cwd, schema) };
  const devUrl = devText === undefined ? undefined : parseDatabaseUrl(devText, ctx.cwd);
  const session = await AutogenSession.open(config, devUrl === undefined ? {} : { devUrl });
  return { config, session };
}

/** The result of {@linkcode diffProject}. */
export interface ProjectDiff {
  current: CurrentSchema;
  differences: Difference[];
  /** The declared schema's file name, as messages name it. */
  schemaName: string;
}

/**
 * Compares the declared schema with the current one.
 *
 * @param ctx The command context (rename hints are read from it).
 * @param config The configuration.
 * @param session The session.
 * @param current The current side, read from the session.
 * @returns The current side and the differences.
 * @throws {UsageError} For a malformed or impossible rename hint.
 */
export async function diffProject(
  ctx: CommandContext,
  config: Config,
  session: AutogenSession,
  current: CurrentSchema,
): Promise<ProjectDiff> {
  const declared = await loadDeclaredSchema(config.schema);
  const normalized = await session.declared(declared, config.schema);
  const schemaName = basename(config.schema);
  const { autogen } = session.dialect;
  const differences = compareSchemas(current.schema, normalized.schema, {
    ...renameHints(ctx),
    declaredNames: normalized.declaredNames,
    declaredText: normalized.declaredText,
    normalizeExpr: autogen.normalizeExpr,
    implicitConstraintName: autogen.implicitConstraintName,
    enumValueUsableBeforeCommit: session.migrator.engine.capabilities.enumValueUsableBeforeCommit,
    labels: { from: current.label, to: schemaName },
  });
  return { current, differences, schemaName };
}

function renameHints(ctx: CommandContext) {
  const renameTables: Record<string, string> = {};
  for (const hint of stringsOpt(ctx.values, "rename-table")) {
    const m = /^([^:.\s]+):([^:.\s]+)$/.exec(hint.trim());
    if (!m) {
      throw new UsageError(`Cannot parse --rename-table "${hint}"`, { hint: "write OLD:NEW" });
    }
    renameTables[m[1]!] = m[2]!;
  }
  const renameColumns: Record<string, Record<string, string>> = {};
  for (const hint of stringsOpt(ctx.values, "rename")) {
    const m = /^([^:.\s]+)\.([^:.\s]+):([^:.\s]+)$/.exec(hint.trim());
    if (!m) {
      throw new UsageError(`Cannot parse --rename "${hint}"`, {
        hint: "write TABLE.OLD:NEW, e.g. --rename users.name:full_name",
      });
    }
    (renameColumns[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  const renameEnumValues: Record<string, Record<string, string>> = {};
  for (const hint of stringsOpt(ctx.values, "rename-enum-value")) {
    // A value may hold dots and spaces; the enum name ends at the first dot.
    const m = /^([^:.\s]+)\.([^:]+):([^:]+)$/.exec(hint.trim());
    if (!m) {
      throw new UsageError(`Cannot parse --rename-enum-value "${hint}"`, {
        hint: "write ENUM.OLD:NEW, e.g. --rename-enum-value mood.sad:blue",
      });
    }
    const values = (renameEnumValues[m[1]!] ??= {});
    if (m[2]! in values) {
      throw new UsageError(
        `Cannot use --rename-enum-value "${hint}": "${m[1]}.${m[2]}" is renamed twice`,
      );
    }
    values[m[2]!] = m[3]!;
  }
  return { renameTables, renameColumns, renameEnumValues };
}

/**
 * Writes the bodies of an autogenerated migration, or returns `undefined`
 * when nothing differs. The project's database must be at head (as Alembic
 * requires); `--dev-url` replays the migrations to their heads instead.
 *
 * @param ctx The command context.
 * @returns The bodies, or `undefined` for "no changes".
 * @throws {UsageError} (exit 2) When the database is not at head.
 */
export async function autogenerateBodies(
  ctx: CommandContext,
): Promise<MigrationBodies | undefined> {
  const { config, session } = await openSession(ctx);
  try {
    const current = await session.current();
    if (current.pending.length > 0) {
      const n = current.pending.length;
      throw new UsageError(
        `Cannot autogenerate: the database is not at head (${n} migration${n === 1 ? "" : "s"} ` +
          `pending: ${current.pending.join(", ")})`,
        {
          hint: "run `strata upgrade head` first, or pass --dev-url to replay the migrations " +
            "into a scratch database",
        },
      );
    }
    const { differences } = await diffProject(ctx, config, session, current);
    if (differences.length === 0) return undefined;
    return renderMigrationBodies(orderedSteps(differences), {
      defaultSql: session.dialect.defaultSql,
      implicitConstraintName: session.dialect.autogen.implicitConstraintName,
    });
  } finally {
    await session.close();
  }
}
