/**
 * `heads` and `branches`.
 *
 * @module
 */
import { infos, revisionBlock, revisionTag } from "./format.ts";
import { messageLine } from "../text.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata heads`. */
export const headsCommand: CommandSpec = {
  name: "heads",
  summary: "Show the head revisions of the graph",
  usage: "heads [--verbose]",
  options: { verbose: { type: "boolean", short: "v", description: "show each head in full" } },
  positionals: { min: 0, max: 0, names: "" },
  examples: ["strata heads", "strata heads --json"],
  async run(ctx) {
    const map = await (await ctx.migrator()).graph();
    const heads = infos(map, map.heads);
    if (ctx.out.json) {
      ctx.out.data({ heads });
      return 0;
    }
    for (const h of heads) {
      ctx.out.line(ctx.values.verbose ? revisionBlock(h) + "\n" : revisionTag(h));
    }
    return 0;
  },
};

/** `strata branches`. */
export const branchesCommand: CommandSpec = {
  name: "branches",
  summary: "Show branch points (revisions with several children)",
  usage: "branches [--verbose]",
  options: {
    verbose: { type: "boolean", short: "v", description: "show each branch point in full" },
  },
  positionals: { min: 0, max: 0, names: "" },
  examples: ["strata branches"],
  async run(ctx) {
    const map = await (await ctx.migrator()).graph();
    const points = infos(map, map.topoOrder().filter((r) => map.isBranchPoint(r)).reverse());
    if (ctx.out.json) {
      ctx.out.data({ branches: points });
      return 0;
    }
    for (const p of points) {
      ctx.out.line(ctx.values.verbose ? revisionBlock(p) : `${revisionTag(p)} (branchpoint)`);
      for (const c of infos(map, p.children)) {
        ctx.out.line(`  -> ${revisionTag(c)}, ${messageLine(c.message)}`);
      }
    }
    return 0;
  },
};
