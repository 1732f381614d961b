/**
 * `wait`: wait until the database accepts connections, for containers that
 * start before their database (as dbmate's `wait`). Also `upgrade --wait`.
 *
 * @module
 */
import { noDatabaseError } from "../config/resolve.ts";
import { displayUrl } from "../config/url.ts";
import { UsageError } from "../errors.ts";
import type { Migrator } from "../runner/migrator.ts";
import type { WaitResult } from "../runner/wait.ts";
import { type CommandContext, type CommandSpec, stringOpt } from "./spec.ts";

const DEFAULT_TIMEOUT_S = 60;

/**
 * Waits for the migrator's database, printing one `waiting for …` line to
 * stderr when it is not ready at once.
 *
 * @param ctx The command context (for output).
 * @param migrator The migrator (its URL).
 * @param timeout `--timeout` text in seconds (default 60).
 * @param report Print `Database is ready …` on stdout when done.
 * @returns What the wait took.
 * @throws {UsageError} For a timeout that is not a number of seconds.
 * @throws {ConnectionError} On timeout (exit 1).
 */
export async function waitUntilReady(
  ctx: CommandContext,
  migrator: Migrator,
  timeout: string | undefined,
  report: boolean,
): Promise<WaitResult> {
  const seconds = timeout === undefined ? DEFAULT_TIMEOUT_S : Number(timeout.trim());
  if (!Number.isFinite(seconds) || seconds < 0 || timeout?.trim() === "") {
    throw new UsageError(`Cannot use timeout "${timeout}": not a number of seconds`, {
      hint: "e.g. --timeout 30",
    });
  }
  if (migrator.config.url === undefined) throw noDatabaseError(migrator.config);
  const url = displayUrl(migrator.config.url);
  const result = await migrator.wait({
    timeoutMs: seconds * 1000,
    onWaiting: (reason) =>
      ctx.out.info(
        `waiting for ${url} to accept connections (up to ${seconds} s): ${reason.message}`,
      ),
  });
  if (report && !ctx.out.json) {
    ctx.out.line(
      `Database is ready: ${url}` +
        (result.attempts > 1 ? ` (after ${(result.waitedMs / 1000).toFixed(1)} s)` : ""),
    );
  }
  return result;
}

/** `strata wait`. */
export const waitCommand: CommandSpec = {
  name: "wait",
  summary: "Wait until the database accepts connections (for containers)",
  usage: "wait [--timeout SECONDS]",
  description: [
    "Checks the database, pausing between checks (100 ms doubling to 2 s), until it",
    "accepts connections: exit 0; or until the timeout: exit 1. A rejected login fails",
    "at once. PostgreSQL: a login and a query succeed. SQLite: the file's directory",
    "exists and the file is a database (or is absent and may be created; mode=ro and",
    "mode=rw need the file). Never creates anything.",
  ].join("\n"),
  options: {
    timeout: {
      type: "string",
      arg: "SECONDS",
      description: `give up after this long (default ${DEFAULT_TIMEOUT_S})`,
    },
  },
  positionals: { min: 0, max: 0, names: "" },
  examples: [
    "strata wait && strata upgrade head    # entrypoint: the database may start later",
    "strata wait --timeout 120",
    "strata upgrade head --wait            # the same in one command",
  ],
  needsDatabase: () => true,
  async run(ctx) {
    const migrator = await ctx.migrator();
    const result = await waitUntilReady(ctx, migrator, stringOpt(ctx.values, "timeout"), true);
    if (ctx.out.json) {
      ctx.out.data({ ready: true, attempts: result.attempts, waitedMs: result.waitedMs });
    }
    return 0;
  },
};
