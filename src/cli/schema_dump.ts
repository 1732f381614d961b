/**
 * `schema dump`: the current schema as SQL DDL, deterministic and sorted, to
 * commit beside the migrations so schema changes show in review (as dbmate's
 * `schema.sql`). Rendered by the dialect from the introspected model, not by
 * `pg_dump`; Strata's own tables are left out.
 *
 * @module
 */
import { relative } from "node:path";
import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { openSession } from "./_autogen.ts";
import { type CommandSpec, stringOpt } from "./spec.ts";

/** `strata schema dump`. */
export const schemaCommand: CommandSpec = {
  name: "schema",
  summary: "Write the current schema as SQL DDL (`schema dump`)",
  usage: "schema dump [-o FILE] [--dev-url URL]",
  description: "Enums, tables (by name) with their indexes, then what must follow them, " +
    "rendered from what the database holds; Strata's own tables are left out. The same " +
    "schema always gives the same text. With --dev-url, the schema the migrations build " +
    "in a scratch database.",
  options: {
    output: { type: "string", short: "o", arg: "FILE", description: "write to FILE, not stdout" },
    "dev-url": {
      type: "string",
      arg: "URL",
      description: "replay the migrations into a scratch database here and dump that",
    },
  },
  positionals: { min: 1, max: 1, names: "dump" },
  examples: [
    "strata schema dump                    # print the schema",
    "strata schema dump -o schema.sql      # commit it beside the migrations",
    "strata schema dump --dev-url sqlite::memory:",
  ],
  async run(ctx) {
    if (ctx.args[0] !== "dump") {
      throw new UsageError(`Unknown schema subcommand "${ctx.args[0]}"`, {
        hint: "strata schema dump [-o FILE]",
      });
    }
    const { session } = await openSession(ctx);
    let text: string;
    let count: number;
    try {
      const { schema } = await session.current();
      const statements = await session.dialect.autogen.dumpSql(schema);
      count = statements.length;
      const header = `-- Schema dumped by strata (${session.dialect.name}); Strata's version ` +
        "and history tables left out.\n";
      text = header + statements.map((s) => `\n${s};\n`).join("");
    } finally {
      await session.close();
    }
    const output = stringOpt(ctx.values, "output");
    if (output === undefined) {
      if (ctx.out.json) ctx.out.data({ statements: count, sql: text });
      else ctx.out.raw(text);
      return 0;
    }
    const path = resolve(ctx.cwd, output);
    await Deno.writeTextFile(path, text);
    if (ctx.out.json) ctx.out.data({ path, statements: count });
    else ctx.out.line(`Wrote ${relative(ctx.cwd, path) || path} (${count} statements)`);
    return 0;
  },
};
