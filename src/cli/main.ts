/**
 * The CLI dispatcher: argv → command → exit code. Commands are thin: they
 * call the {@linkcode Migrator} and format what it returns.
 *
 * @module
 */
import { noDatabaseError, resolveConfig } from "../config/resolve.ts";
import type { Config, ConfigFlags } from "../config/resolve.ts";
import { UsageError } from "../errors.ts";
import { Migrator, type MigratorOptions } from "../runner/migrator.ts";
import { VERSION } from "../version.ts";
import { parseCommandArgs, splitArgs } from "./args.ts";
import { COMMANDS } from "./commands.ts";
import { settingLines } from "./config.ts";
import { commandHelp, mainHelp } from "./help.ts";
import { Output } from "./output.ts";
import { stepLine } from "./upgrade.ts";
import type { CommandContext } from "./spec.ts";
import { stringOpt } from "./spec.ts";
import { bulkProgress } from "./progress.ts";

/** Where the CLI runs: injectable for tests. */
export interface MainIo {
  out?: Output;
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Runs the CLI.
 *
 * @param argv Arguments after the program name.
 * @param io Output, environment and working directory (default: the process's).
 * @returns The exit code.
 */
export async function main(argv: readonly string[], io: MainIo = {}): Promise<number> {
  const out = io.out ?? new Output();
  const env = io.env ?? Deno.env.toObject();
  const cwd = io.cwd ?? Deno.cwd();
  out.debug = argv.includes("--debug");
  let migrator: Migrator | undefined;
  try {
    const { command, rest } = splitArgs(argv);
    if (command === undefined) {
      if (rest.includes("--version") || rest.includes("-V")) {
        out.line(`strata ${VERSION}`);
        return 0;
      }
      out.line(mainHelp(COMMANDS, VERSION));
      return rest.some((a) => a === "-h" || a === "--help") ? 0 : 2;
    }
    if (command === "help") {
      const target = COMMANDS.find((c) => c.name === rest[0]);
      out.line(target ? commandHelp(target) : mainHelp(COMMANDS, VERSION));
      return 0;
    }
    const spec = COMMANDS.find((c) => c.name === command);
    if (!spec) {
      throw new UsageError(`Unknown command "${command}"`, {
        hint: `commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
      });
    }
    const { args, values } = parseCommandArgs(spec, rest);
    if (values.help) {
      out.line(commandHelp(spec));
      return 0;
    }
    out.json = values.json === true;
    let config: Config | undefined;
    const ctx: CommandContext = {
      out,
      args,
      values,
      cwd,
      env,
      async config() {
        if (!config) {
          const flags: ConfigFlags = {
            url: stringOpt(values, "url"),
            dir: stringOpt(values, "dir"),
            config: stringOpt(values, "config"),
            lockTimeout: stringOpt(values, "lock-timeout"),
            statementLockTimeout: stringOpt(values, "statement-lock-timeout"),
          };
          config = await resolveConfig(flags, env, cwd);
          if (out.debug) {
            for (const line of settingLines(config)) out.info(`debug: ${line}`);
          }
        }
        return config;
      },
      async migrator() {
        migrator ??= new Migrator(await ctx.config(), {
          applicationName: `strata ${VERSION} ${command}`,
          onStep: (step) => {
            if (!out.json) out.line(stepLine(step));
          },
          onWarning: (message) => out.warn(message),
          onBackup: (path) => out.line(`Backup written to ${path}`),
          onLockWait: (holder) =>
            out.info(`waiting for the migration lock${holder ? ` held by ${holder}` : ""}…`),
          ...progressOption(io.out === undefined),
        });
        return migrator;
      },
    };
    if (spec.needsDatabase?.(values)) {
      const resolved = await ctx.config();
      if (resolved.url === undefined) throw noDatabaseError(resolved);
    }
    return await spec.run(ctx);
  } catch (err) {
    return out.error(err);
  } finally {
    if (migrator) await migrator.close().catch(() => {});
  }
}

/** A progress line for long bulk loads, on the process's own stderr when it is a terminal. */
function progressOption(ownStderr: boolean): Pick<MigratorOptions, "onBulkProgress"> {
  const onBulkProgress = ownStderr
    ? bulkProgress(Deno.stderr, Deno.stderr.isTerminal())
    : undefined;
  return onBulkProgress ? { onBulkProgress } : {};
}
