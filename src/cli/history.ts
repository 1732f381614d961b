/**
 * `history`: the revision graph, newest first.
 *
 * @module
 */
import { historyLine, revisionBlock } from "./format.ts";
import { type CommandSpec, stringOpt } from "./spec.ts";

/** `strata history`. */
export const historyCommand: CommandSpec = {
  name: "history",
  summary: "List revisions, newest first",
  usage: "history [-r RANGE] [--verbose] [-i]",
  description: "RANGE is FROM:TO, either side optional (e.g. base:head, ae10:, -3:current).",
  options: {
    rev: { type: "string", short: "r", arg: "RANGE", description: "only revisions in FROM:TO" },
    verbose: { type: "boolean", short: "v", description: "show each revision in full" },
    "indicate-current": {
      type: "boolean",
      short: "i",
      description: "mark the database's current revisions (connects to it)",
    },
  },
  positionals: { min: 0, max: 0, names: "" },
  examples: [
    "strata history",
    "strata history -r base:ae10 --verbose",
    "strata history -i              # mark (current)",
  ],
  async run(ctx) {
    const migrator = await ctx.migrator();
    const revisions = await migrator.history({
      range: stringOpt(ctx.values, "rev"),
      indicateCurrent: ctx.values["indicate-current"] === true,
    });
    if (ctx.out.json) {
      ctx.out.data({ history: revisions });
      return 0;
    }
    for (const r of revisions) {
      ctx.out.line(ctx.values.verbose ? revisionBlock(r) + "\n" : historyLine(r));
    }
    return 0;
  },
};
