/**
 * `upgrade` and `downgrade`.
 *
 * @module
 */
import type { AppliedStep } from "../runner/migrator.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

function stepLine(s: AppliedStep): string {
  const from = s.from.length ? s.from.join(", ") : "<base>";
  const arrow = s.direction === "up" ? `${from} -> ${s.revision}` : `${s.revision} -> ${from}`;
  const verb = s.direction === "up" ? "upgrade" : "downgrade";
  return `${verb} ${arrow}, ${s.message} (${formatMs(s.durationMs)})`;
}

/** Formats a duration: `12 ms`, `1.4 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

async function migrate(ctx: CommandContext, direction: "up" | "down"): Promise<number> {
  const migrator = await ctx.migrator();
  const target = ctx.args[0] ?? "head";
  const started = performance.now();
  const steps = direction === "up"
    ? await migrator.upgrade(target)
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
  usage: "upgrade [TARGET]",
  description: [
    "TARGET: head, heads, a revision id or unique prefix, LABEL@head, +N, REV@+N.",
    "Each migration runs in its own transaction with its version-row update, under",
    "an exclusive migration lock, so concurrent runs apply each migration once.",
  ].join("\n"),
  options: {},
  positionals: { min: 0, max: 1, names: "TARGET" },
  examples: [
    "strata upgrade                 # to the single head",
    "strata upgrade heads           # every branch to its head",
    "strata upgrade +1              # one step",
    "strata -u postgres://app@db/app upgrade ae10",
  ],
  run: (ctx) => migrate(ctx, "up"),
};

/** `strata downgrade`. */
export const downgradeCommand: CommandSpec = {
  name: "downgrade",
  summary: "Revert migrations down to a target",
  usage: "downgrade TARGET",
  description: "TARGET: -N, base, a revision id or prefix, REV@-N, LABEL@base.",
  options: {},
  positionals: { min: 1, max: 1, names: "TARGET" },
  examples: [
    "strata downgrade -1            # revert the last migration",
    "strata downgrade base          # revert everything",
    "strata downgrade 1f2e          # back to revision 1f2e…",
  ],
  run: (ctx) => migrate(ctx, "down"),
};
