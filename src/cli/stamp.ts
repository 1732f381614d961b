/**
 * `stamp`: set the version rows without running migrations.
 *
 * @module
 */
import type { CommandSpec } from "./spec.ts";

/** `strata stamp`. */
export const stampCommand: CommandSpec = {
  name: "stamp",
  summary: "Set the database's revision(s) without running migrations",
  usage: "stamp REV... [--purge]",
  description: [
    "Use after applying changes by hand, to adopt an existing database, or to record where an",
    "interrupted migration (transactional = false) stands. Writes a history row for each",
    "revision it marks applied (stamp) or not (unstamp), in the same transaction.",
    "--purge empties the version table first (also clears rows with no migration file).",
  ].join("\n"),
  options: { purge: { type: "boolean", description: "delete every version row first" } },
  positionals: { min: 1, max: Infinity, names: "REV..." },
  examples: [
    "strata stamp head             # mark an existing schema as up to date",
    "strata stamp base             # forget every applied revision",
    "strata stamp --purge ae10     # reset to ae10 whatever the table holds",
    "strata stamp 7c1d             # an interrupted 7c1d did finish: record it",
  ],
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const rows = await migrator.stamp(ctx.args, ctx.values.purge === true);
    if (ctx.out.json) ctx.out.data({ current: rows });
    else ctx.out.line(`Stamped; now at ${rows.length ? rows.join(", ") : "<base>"}`);
    return 0;
  },
};
