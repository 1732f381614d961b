/**
 * `pending`: what `upgrade` would apply; exit 3 when anything is pending (a
 * deploy or CI gate).
 *
 * @module
 */
import { planUpgrade } from "../graph/plan.ts";
import { EXIT } from "../errors.ts";
import { messageLine } from "../text.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata pending`. */
export const pendingCommand: CommandSpec = {
  name: "pending",
  summary: "List migrations `upgrade` would apply; exit 3 when any are pending",
  usage: "pending [TARGET]",
  description: "Reads the database (never writes). Exit 0: up to date; 3: something is pending.",
  options: {},
  positionals: { min: 0, max: 1, names: "TARGET" },
  examples: [
    "strata pending                 # before a deploy: is the schema current?",
    "strata pending heads --json",
  ],
  async run(ctx) {
    const migrator = await ctx.migrator();
    const map = await migrator.graph();
    const rows = await migrator.current();
    const steps = planUpgrade(map, rows, ctx.args[0] ?? "head");
    if (ctx.out.json) {
      ctx.out.data({
        current: rows,
        pending: steps.map((s) => ({
          revision: s.revision,
          message: map.get(s.revision).message ?? "",
        })),
      });
    } else if (steps.length === 0) {
      ctx.out.line(`Up to date: database is at ${rows.length ? rows.join(", ") : "<base>"}`);
    } else {
      for (const s of steps) {
        ctx.out.line(`${s.revision}  ${messageLine(map.get(s.revision).message)}`);
      }
      ctx.out.info(`${steps.length} migration${steps.length === 1 ? "" : "s"} pending`);
    }
    return steps.length === 0 ? EXIT.OK : EXIT.CHECK;
  },
};
