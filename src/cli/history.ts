/**
 * `history`: the revision graph, newest first.
 *
 * @module
 */
import { historyRange } from "../graph/plan.ts";
import { historyLine, revisionBlock, revisionJson } from "./format.ts";
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
    const map = await migrator.graph();
    const range = stringOpt(ctx.values, "rev");
    const needDb = ctx.values["indicate-current"] === true ||
      (range?.includes("current") ?? false) ||
      (range !== undefined && /(^|:)[-+]\d/.test(range));
    const rows = needDb ? await migrator.current() : [];
    const current = ctx.values["indicate-current"] ? new Set(rows) : undefined;
    const nodes = historyRange(map, range, rows);
    if (ctx.out.json) {
      ctx.out.data({ history: nodes.map((n) => revisionJson(map, n, current)) });
      return 0;
    }
    for (const n of nodes) {
      ctx.out.line(
        ctx.values.verbose ? revisionBlock(map, n, current) + "\n" : historyLine(map, n, current),
      );
    }
    return 0;
  },
};
