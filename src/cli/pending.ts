/**
 * `pending`: what `upgrade` would apply; exit 3 when anything is pending, or
 * when something `upgrade` would not fix is wrong (a revision below the
 * current one that never ran, an interrupted migration, several heads): a
 * deploy or CI gate.
 *
 * @module
 */
import { CheckFailedError, EXIT } from "../errors.ts";
import { messageLine, plural } from "../text.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata pending`. */
export const pendingCommand: CommandSpec = {
  name: "pending",
  summary: "List migrations `upgrade` would apply; exit 3 when any are pending",
  usage: "pending [TARGET]",
  description: [
    "Reads the database (never writes). Exit 0: up to date; 3: something is pending, or the",
    "graph has several heads, or a revision below the current one never ran, or a migration",
    "was interrupted (each printed as a finding).",
  ].join("\n"),
  options: {},
  positionals: { min: 0, max: 1, names: "TARGET" },
  examples: [
    "strata pending                 # before a deploy: is the schema current?",
    "strata pending heads --json",
  ],
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const { current, pending, findings } = await migrator.pending(ctx.args[0]);
    if (ctx.out.json) {
      ctx.out.data({
        current,
        pending: pending.map((p) => ({ revision: p.revision, message: p.message })),
        findings: findings.map((f) => f.message),
      });
      return pending.length === 0 && findings.length === 0 ? EXIT.OK : EXIT.CHECK;
    }
    for (const p of pending) ctx.out.line(`${p.revision}  ${messageLine(p.message)}`);
    for (const f of findings) {
      ctx.out.line(`finding: ${f.message}`);
      if (f.hint) ctx.out.line(`  what to do: ${f.hint}`);
    }
    if (findings.length > 0) {
      const only = findings.length === 1 ? findings[0] : undefined;
      const what = pending.length === 0 ? "" : `${plural(pending.length, "migration")} pending; `;
      throw new CheckFailedError(`${what}${plural(findings.length, "problem")} found`, {
        hint: only?.hint ?? "each finding above says what is wrong",
      });
    }
    if (pending.length === 0) {
      ctx.out.line(`Up to date: database is at ${current.length ? current.join(", ") : "<base>"}`);
      return EXIT.OK;
    }
    ctx.out.info(`${plural(pending.length, "migration")} pending`);
    return EXIT.CHECK;
  },
};
