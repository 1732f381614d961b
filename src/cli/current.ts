/**
 * `current`: the revisions the database is at.
 *
 * @module
 */
import { GraphError } from "../errors.ts";
import { revisionBlock, revisionInfo, revisionTag } from "./format.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata current`. */
export const currentCommand: CommandSpec = {
  name: "current",
  summary: "Show the revision(s) the database is at",
  usage: "current [--verbose]",
  options: { verbose: { type: "boolean", short: "v", description: "show each revision in full" } },
  positionals: { min: 0, max: 0, names: "" },
  examples: ["strata current", "strata -u sqlite:app.db current --verbose"],
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const map = await migrator.graph();
    const rows = await migrator.current();
    for (const r of rows) {
      if (!map.has(r)) {
        throw new GraphError(`The database is at revision "${r}", which has no migration file`, {
          hint: `restore the file, or \`strata stamp --purge REV\` to reset the version table`,
        });
      }
    }
    if (ctx.out.json) {
      ctx.out.data({ current: rows.map((r) => revisionInfo(map, r)) });
    } else if (rows.length === 0) {
      ctx.out.info("(base: no revision applied)");
    } else {
      for (const r of rows) {
        const info = revisionInfo(map, r);
        ctx.out.line(ctx.values.verbose ? revisionBlock(info) : revisionTag(info));
      }
    }
    return 0;
  },
};
