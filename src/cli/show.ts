/**
 * `show`: one revision in full.
 *
 * @module
 */
import { resolveTarget, targetNeedsCurrent } from "../graph/target.ts";
import { infos, revisionBlock } from "./format.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata show`. */
export const showCommand: CommandSpec = {
  name: "show",
  summary: "Show one revision in full",
  usage: "show REV",
  options: {},
  positionals: { min: 1, max: 1, names: "REV" },
  examples: ["strata show ae10", "strata show chat@head", "strata show current"],
  async run(ctx) {
    const migrator = await ctx.migrator();
    const map = await migrator.graph();
    const rows = targetNeedsCurrent(ctx.args[0]!) ? await migrator.current() : [];
    const revisions = infos(map, resolveTarget(map, ctx.args[0]!, rows));
    if (ctx.out.json) {
      ctx.out.data({ revisions });
      return 0;
    }
    if (revisions.length === 0) ctx.out.info("(base: no revision)");
    else ctx.out.line(revisions.map(revisionBlock).join("\n\n"));
    return 0;
  },
};
