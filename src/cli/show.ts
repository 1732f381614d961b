/**
 * `show`: one revision in full.
 *
 * @module
 */
import { resolveTarget } from "../graph/target.ts";
import { infos, revisionBlock } from "./format.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata show`. */
export const showCommand: CommandSpec = {
  name: "show",
  summary: "Show one revision in full",
  usage: "show REV",
  options: {},
  positionals: { min: 1, max: 1, names: "REV" },
  examples: ["strata show ae10", "strata show head", "strata show chat@head"],
  async run(ctx) {
    const map = await (await ctx.migrator()).graph();
    const revisions = infos(map, resolveTarget(map, ctx.args[0]!, []));
    if (ctx.out.json) {
      ctx.out.data({ revisions });
      return 0;
    }
    ctx.out.line(revisions.map(revisionBlock).join("\n\n"));
    return 0;
  },
};
