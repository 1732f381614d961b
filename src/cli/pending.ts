/**
 * `pending`: what `upgrade` would apply; exit 3 when anything is pending (a
 * deploy or CI gate).
 *
 * @module
 */
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
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const { current, pending } = await migrator.pending(ctx.args[0] ?? "head");
    if (ctx.out.json) {
      ctx.out.data({
        current,
        pending: pending.map((p) => ({ revision: p.revision, message: p.message })),
      });
    } else if (pending.length === 0) {
      ctx.out.line(`Up to date: database is at ${current.length ? current.join(", ") : "<base>"}`);
    } else {
      for (const p of pending) ctx.out.line(`${p.revision}  ${messageLine(p.message)}`);
      ctx.out.info(`${pending.length} migration${pending.length === 1 ? "" : "s"} pending`);
    }
    return pending.length === 0 ? EXIT.OK : EXIT.CHECK;
  },
};
