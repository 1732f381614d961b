/**
 * `upgrade` and `downgrade`.
 *
 * @module
 */
import type { AppliedStep } from "../runner/migrator.ts";
import { resolve } from "node:path";
import { stepArrow } from "../apply/describe.ts";
import { engineByName, ENGINES } from "../dialects/registry.ts";
import { UsageError } from "../errors.ts";
import { messageLine } from "../text.ts";
import { noDatabaseError } from "../config/resolve.ts";
import { waitUntilReady } from "./wait.ts";
import { Migrator } from "../runner/migrator.ts";
import { type CommandContext, type CommandSpec, type OptionSpec, stringOpt } from "./spec.ts";
import { writeScriptFile } from "./write_output.ts";

function stepLine(s: AppliedStep): string {
  return `${stepArrow(s)}, ${messageLine(s.message)} (${formatMs(s.durationMs)})`;
}

/** Formats a duration: `12 ms`, `1.4 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const OFFLINE_OPTIONS: Record<string, OptionSpec> = {
  sql: { type: "boolean", description: "write the SQL instead of running it (never connects)" },
  output: {
    type: "string",
    short: "o",
    arg: "FILE",
    description: "with --sql: write to FILE, not stdout",
  },
  dialect: {
    type: "string",
    arg: "NAME",
    description: `with --sql: ${ENGINES.map((e) => e.name).join(" or ")} (default: the URL's)`,
  },
  "transaction-per": {
    type: "string",
    arg: "migration|run",
    description: "with --sql: BEGIN/COMMIT per migration (default) or one for the run",
  },
  timestamp: { type: "boolean", description: "with --sql: add the generation time to the header" },
};

async function offline(ctx: CommandContext, direction: "up" | "down"): Promise<number> {
  const name = stringOpt(ctx.values, "dialect");
  // The registry refuses an unknown name, with the known ones in the hint.
  const dialect = name === undefined ? undefined : engineByName(name).name;
  const per = stringOpt(ctx.values, "transaction-per") ?? "migration";
  if (per !== "migration" && per !== "run") {
    throw new UsageError(`Unknown --transaction-per "${per}"`, { hint: "use migration or run" });
  }
  const config = await ctx.config();
  if (dialect === undefined && config.dialect === undefined) {
    throw new UsageError("--sql needs a dialect: no --dialect and no database configured", {
      hint: `pass --dialect sqlite or --dialect postgres (--sql never connects), or a URL; ` +
        `looked in ${config.lookedIn}`,
    });
  }
  const migrator = new Migrator(config, dialect ? { dialect } : {});
  const range = ctx.args[0] ?? "head";
  // Loaded only for --sql: the writer brings the step runner and the recorder.
  const { runOffline } = await import("../offline/run_offline.ts");
  const text = await runOffline(migrator, direction, range, {
    transactionPer: per,
    ...(ctx.values.timestamp ? { timestamp: new Date() } : {}),
    onWarning: (message) => ctx.out.warn(message),
  });
  const output = stringOpt(ctx.values, "output");
  if (output === undefined) {
    ctx.out.raw(text);
    return 0;
  }
  await writeScriptFile(resolve(ctx.cwd, output), text, output);
  ctx.out.info(`Wrote ${output}`);
  return 0;
}

async function migrate(ctx: CommandContext, direction: "up" | "down"): Promise<number> {
  if (ctx.values.sql) return offline(ctx, direction);
  for (const name of Object.keys(OFFLINE_OPTIONS)) {
    if (name !== "sql" && ctx.values[name] !== undefined) {
      throw new UsageError(`--${name} only goes with --sql`);
    }
  }
  if (ctx.values["wait-timeout"] !== undefined && ctx.values.wait !== true) {
    throw new UsageError("--wait-timeout only goes with --wait");
  }
  const migrator = await ctx.migrator();
  const url = migrator.config.url;
  if (url === undefined) throw noDatabaseError(migrator.config);
  // Refuse on every run, not only on the deploy that has something pending.
  if (ctx.values.backup === true) migrator.backupFile();
  if (ctx.values.wait === true) {
    await waitUntilReady(ctx, migrator, stringOpt(ctx.values, "wait-timeout"), false);
  }
  const target = ctx.args[0] ?? "head";
  const started = performance.now();
  const steps = direction === "up"
    ? await migrator.upgrade(target, { backup: ctx.values.backup === true })
    : await migrator.downgrade(target);
  const rows = await migrator.current();
  if (ctx.out.json) {
    ctx.out.data({ applied: steps, current: rows });
    return 0;
  }
  const now = rows.length ? rows.join(", ") : "<base>";
  if (steps.length === 0) {
    ctx.out.line(`Nothing to do: database is at ${now}`);
  } else {
    const n = steps.length;
    ctx.out.line(
      `${direction === "up" ? "Applied" : "Reverted"} ${n} migration${n === 1 ? "" : "s"} in ${
        formatMs(performance.now() - started)
      }; now at ${now}`,
    );
  }
  return 0;
}

/** Prints one line per step as it commits (set up by the dispatcher). */
export { stepLine };

/** `strata upgrade`. */
export const upgradeCommand: CommandSpec = {
  name: "upgrade",
  summary: "Apply migrations up to a target (default: head)",
  usage: "upgrade [[FROM:]TARGET] [--sql [-o FILE] [--dialect NAME]]",
  description: [
    "TARGET: head, heads, a revision id or unique prefix, LABEL@head, +N, REV@+N.",
    "Each migration runs in its own transaction with its version-row update, under",
    "an exclusive migration lock, so concurrent runs apply each migration once.",
  ].join("\n"),
  options: {
    wait: {
      type: "boolean",
      description: "first wait until the database accepts connections (as `strata wait`)",
    },
    "wait-timeout": {
      type: "string",
      arg: "SECONDS",
      description: "with --wait: give up after this long (default 60)",
    },
    backup: {
      type: "boolean",
      description:
        "SQLite: first copy the database file beside it (VACUUM INTO) when anything is pending",
    },
    ...OFFLINE_OPTIONS,
  },
  positionals: { min: 0, max: 1, names: "TARGET" },
  examples: [
    "strata upgrade                 # to the single head",
    "strata upgrade heads           # every branch to its head",
    "strata upgrade +1              # one step",
    "strata upgrade --backup        # SQLite: keep a copy of the file first",
    "strata upgrade --wait          # container entrypoint: wait for the database, then migrate",
    "strata -u postgres://app@db/app upgrade ae10",
    "strata upgrade head --sql -o migrations.sql --dialect postgres   # script for a DBA",
    "strata upgrade 3c0a:head --sql                                     # from 3c0a onwards",
  ],
  needsDatabase: (values) => values.sql !== true,
  run: (ctx) => migrate(ctx, "up"),
};

/** `strata downgrade`. */
export const downgradeCommand: CommandSpec = {
  name: "downgrade",
  summary: "Revert migrations down to a target",
  usage: "downgrade TARGET | downgrade FROM:TARGET --sql [-o FILE]",
  description: "TARGET: -N, base, a revision id or prefix, REV@-N, LABEL@base.",
  options: OFFLINE_OPTIONS,
  positionals: { min: 1, max: 1, names: "TARGET" },
  examples: [
    "strata downgrade -1            # revert the last migration",
    "strata downgrade base          # revert everything",
    "strata downgrade 1f2e          # back to revision 1f2e…",
    "strata downgrade head:base --sql > rollback.sql",
  ],
  needsDatabase: (values) => values.sql !== true,
  run: (ctx) => migrate(ctx, "down"),
};
