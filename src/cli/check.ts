/**
 * `check`: the deploy and CI gate. Exit 3 when the database is not at head
 * or differs from the declared schema (drift: a column added by hand, an
 * index dropped, a changed default), one line per finding; exit 0 when it
 * matches. Reads only.
 *
 * @module
 */
import { CheckFailedError, EXIT } from "../errors.ts";
import { diffProject, openSession, SOURCE_OPTIONS } from "./_autogen.ts";
import type { CommandSpec } from "./spec.ts";

/** `strata check`. */
export const checkCommand: CommandSpec = {
  name: "check",
  summary: "Check that the database is at head and matches the declared schema; exit 3 if not",
  usage: "check [--dev-url URL] [--schema FILE]",
  description: "Compares the database with the declared schema (schema.ts beside the " +
    "migrations) after both pass through the database's own normal forms, so only real " +
    "differences show. Never writes to the database. With --dev-url the migrations are " +
    "replayed into a scratch database and checked against the declared schema, with no " +
    "project database at all. Exit 0: matches; 3: not at head, or differences (one line each).",
  options: { ...SOURCE_OPTIONS },
  positionals: { min: 0, max: 0, names: "" },
  examples: [
    "strata check                                # in CI or before a deploy",
    "strata check --json",
    "strata check --dev-url sqlite::memory:      # do the migrations build schema.ts?",
    "strata check --dev-url postgres://ci@localhost/postgres",
  ],
  async run(ctx) {
    const { config, session } = await openSession(ctx);
    try {
      const current = await session.current();
      const atHead = current.pending.length === 0;
      const found = atHead ? await diffProject(ctx, config, session, current) : undefined;
      const differences = found?.differences ?? [];
      const lines = differences.flatMap((d) =>
        d.messages.map((message) => ({
          kind: d.kind,
          ...(d.table === undefined ? {} : { table: d.table }),
          ...(d.name === undefined ? {} : { name: d.name }),
          message,
        }))
      );
      const ok = atHead && lines.length === 0;
      if (ctx.out.json) {
        ctx.out.data({
          ok,
          atHead,
          current: current.rows,
          pending: current.pending,
          differences: lines,
        });
        return ok ? EXIT.OK : EXIT.CHECK;
      }
      const name = found?.schemaName ?? "the declared schema";
      if (!atHead) {
        const n = current.pending.length;
        ctx.out.line(
          `finding: the database is not at head: ${n} migration${n === 1 ? "" : "s"} pending ` +
            `(${current.pending.join(", ")})`,
        );
        throw new CheckFailedError("The database is not at head; drift was not checked", {
          hint: "run `strata upgrade head`, then `strata check` again",
        });
      }
      const plural = current.label === "the migrations";
      if (ok) {
        ctx.out.line(`OK: ${current.label} ${plural ? "build" : "matches"} ${name}`);
        return EXIT.OK;
      }
      for (const l of lines) ctx.out.line(`drift: ${l.message}`);
      const n = lines.length;
      const subject = plural ? "The schema the migrations build differs" : "The database differs";
      throw new CheckFailedError(
        `${subject} from ${name} in ${n} place${n === 1 ? "" : "s"}`,
        {
          hint:
            'change schema.ts to match, or write a migration: strata revision --autogenerate -m "…"',
        },
      );
    } finally {
      await session.close();
    }
  },
};
