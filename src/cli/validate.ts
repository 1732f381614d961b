/**
 * `validate`: checks the graph and every applied revision (file present,
 * checksum unchanged since it ran); exit 3 on a finding.
 *
 * @module
 */
import { CheckFailedError, EXIT, GraphError, ScriptError } from "../errors.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata validate`. */
export const validateCommand: CommandSpec = {
  name: "validate",
  summary: "Check the graph and that applied migrations are present and unedited",
  usage: "validate",
  description:
    "Findings: a broken graph, a version row with no migration file, a migration file edited after it was applied. Exit 3 on any.",
  options: {},
  positionals: { min: 0, max: 0, names: "" },
  examples: ["strata validate", "strata -u $DATABASE_URL validate --json"],
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const findings: string[] = [];
    let map;
    try {
      map = await migrator.graph();
    } catch (err) {
      if (!(err instanceof GraphError || err instanceof ScriptError)) throw err;
      findings.push(`graph: ${err.message}`);
    }
    const rows = await migrator.current();
    if (map) {
      for (const r of rows) {
        if (!map.has(r)) {
          findings.push(`revision ${r} is in the database but has no migration file`);
        }
      }
      for (const e of await migrator.editedMigrations()) {
        findings.push(`revision ${e.revision} was edited after it was applied (${e.path})`);
      }
    }
    if (ctx.out.json) {
      ctx.out.data({ ok: findings.length === 0, findings });
      return findings.length === 0 ? EXIT.OK : EXIT.CHECK;
    }
    if (findings.length === 0) {
      ctx.out.line("OK: graph sound, applied migrations present and unedited");
      return EXIT.OK;
    }
    for (const f of findings) ctx.out.line(`finding: ${f}`);
    // One `error:` line on stderr as every failing command has (CI logs show it), exit 3.
    const n = findings.length;
    throw new CheckFailedError(`Validation found ${n} problem${n === 1 ? "" : "s"}`, {
      hint: "restore missing files and revert edits (a change belongs in a new migration)",
    });
  },
};
