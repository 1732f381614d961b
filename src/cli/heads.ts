/**
 * `heads` and `branches`.
 *
 * @module
 */
import { revisionBlock, revisionJson, revisionTag } from "./format.ts";
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
    if (ctx.out.json) {
      ctx.out.data({ heads: map.heads.map((h) => revisionJson(map, map.get(h))) });
      return 0;
    }
    for (const h of map.heads) {
      ctx.out.line(
        ctx.values.verbose ? revisionBlock(map, map.get(h)) + "\n" : revisionTag(map, h),
      );
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
    const points = map.topoOrder().filter((r) => map.isBranchPoint(r)).reverse();
    if (ctx.out.json) {
      ctx.out.data({
        branches: points.map((p) => ({
          ...revisionJson(map, map.get(p)),
          children: map.children(p),
        })),
      });
      return 0;
    }
    for (const p of points) {
      ctx.out.line(
        ctx.values.verbose
          ? revisionBlock(map, map.get(p))
          : `${revisionTag(map, p)} (branchpoint)`,
      );
      for (const c of map.children(p)) {
        ctx.out.line(`  -> ${revisionTag(map, c)}, ${messageLine(map.get(c).message)}`);
      }
    }
    return 0;
  },
};
