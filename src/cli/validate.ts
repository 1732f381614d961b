/**
 * `validate`: checks the graph and the database against the migration files
 * (see `runner/checks.ts` for every check); exit 3 on a finding.
 * `--accept REV…` first records the current checksum of applied migrations
 * edited on purpose.
 *
 * @module
 */
import { CheckFailedError, EXIT, UsageError } from "../errors.ts";
import { validateProject } from "../runner/checks.ts";
import { plural } from "../text.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata validate`. */
export const validateCommand: CommandSpec = {
  name: "validate",
  summary: "Check the graph and that applied migrations are present, complete and unedited",
  usage: "validate [--accept REV...]",
  description: [
    "Findings: a broken graph or several heads, a version row with no migration file, a",
    "migration file edited after it was applied, a revision below the current one that never",
    "ran, a migration interrupted outside a transaction, an INVALID index. Exit 3 on any.",
    "--accept REV... records the files' current checksums for applied migrations edited on",
    "purpose (as Flyway's repair), then validates.",
  ].join("\n"),
  options: {
    accept: {
      type: "boolean",
      description: "accept the current text of the applied migrations REV... (edited on purpose)",
    },
  },
  positionals: { min: 0, max: Infinity, names: "REV..." },
  examples: [
    "strata validate",
    "strata -u $DATABASE_URL validate --json",
    "strata validate --accept 1f2e3d4c5b6a   # after a deliberate edit of an applied migration",
  ],
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const accept = ctx.values.accept === true;
    if (accept && ctx.args.length === 0) {
      throw new UsageError("validate --accept needs the revisions to accept", {
        hint: "name each one: `strata validate --accept REV…` (see `strata validate`)",
      });
    }
    if (!accept && ctx.args.length > 0) {
      throw new UsageError(`validate takes no revisions without --accept, got ${ctx.args[0]}`, {
        hint: "usage: strata validate [--accept REV...]",
      });
    }
    const accepted = accept ? await migrator.accept(ctx.args) : [];
    const report = await validateProject(migrator);
    const { findings } = report;
    if (ctx.out.json) {
      ctx.out.data({
        ok: findings.length === 0,
        findings: findings.map((f) => f.message),
        compared: report.compared,
        notes: report.notes,
        accepted,
      });
      return findings.length === 0 ? EXIT.OK : EXIT.CHECK;
    }
    for (const id of accepted) ctx.out.line(`Accepted the current text of ${id}`);
    for (const note of report.notes) ctx.out.line(`note: ${note}`);
    if (findings.length === 0) {
      ctx.out.line(
        report.compared
          ? "OK: graph sound, applied migrations present, complete and unedited"
          : "OK: graph sound, applied migrations present",
      );
      return EXIT.OK;
    }
    for (const f of findings) {
      ctx.out.line(`finding: ${f.message}`);
      if (f.hint) ctx.out.line(`  what to do: ${f.hint}`);
    }
    // One `error:` line on stderr as every failing command has (CI logs show it), exit 3.
    const only = findings.length === 1 ? findings[0] : undefined;
    throw new CheckFailedError(`Validation found ${plural(findings.length, "problem")}`, {
      hint: only?.hint ??
        "each finding above says what is wrong; `strata validate --json` lists them for tools",
    });
  },
};
