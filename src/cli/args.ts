/**
 * Splits argv into the command name, global options and command options, with
 * `node:util`'s `parseArgs`. (An npm parser such as commander costs ~30 ms of
 * start-up under Deno, measured; a no-op `upgrade head` has a 50 ms budget.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { CommandSpec, OptionSpec, OptionValues } from "./spec.ts";

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: {
    type: "string",
    short: "u",
    arg: "URL",
    description: "database URL (env STRATA_URL, DATABASE_URL)",
  },
  dir: {
    type: "string",
    short: "d",
    arg: "DIR",
    description: "migrations directory (default ./migrations)",
  },
  config: {
    type: "string",
    arg: "FILE",
    description: "config file (default ./strata.json if present)",
  },
  "lock-timeout": {
    type: "string",
    arg: "SECONDS",
    description: "wait at most this long for the migration lock (default 300)",
  },
  "statement-lock-timeout": {
    type: "string",
    arg: "SECONDS",
    description:
      "a migration statement waits at most this long for a table lock (default 5; 0: for ever)",
  },
  json: { type: "boolean", description: "print machine-readable JSON" },
  debug: { type: "boolean", description: "print stack traces and where settings came from" },
  help: { type: "boolean", short: "h", description: "show help" },
};

/** Matches `-1`, `-2:head`, `+3`: targets that look like options but are positionals. */
const RELATIVE = /^-\d/;

/** The result of {@linkcode splitArgs}. */
export interface SplitArgs {
  command: string | undefined;
  rest: string[];
}

/**
 * Finds the command name: the first argument that is neither an option nor the
 * value of a global option.
 *
 * @param argv Arguments after the program name.
 * @returns The command and every other argument in order.
 */
export function splitArgs(argv: readonly string[]): SplitArgs {
  const takesValue = new Set<string>();
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    if (spec.type === "string") {
      takesValue.add(`--${name}`);
      if (spec.short) takesValue.add(`-${spec.short}`);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (a.startsWith("-")) {
      if (takesValue.has(a)) i++;
      continue;
    }
    return { command: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: [...argv] };
}

/**
 * Parses a command's arguments.
 *
 * @param spec The command.
 * @param rest Arguments without the command name.
 * @returns Positionals and option values.
 * @throws {UsageError} For unknown options, missing values or a wrong number of positionals.
 */
export function parseCommandArgs(
  spec: CommandSpec,
  rest: readonly string[],
): { args: string[]; values: OptionValues } {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  // Relative targets such as "-1" are positionals; shield them from parseArgs.
  const shielded: string[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const prev = rest[i - 1];
    const prevTakesValue = prev !== undefined && isValueOption(prev, options);
    if (RELATIVE.test(a) && !prevTakesValue) {
      shielded.push(a);
      tokens.push(`\u0000${shielded.length - 1}`);
    } else tokens.push(a);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: tokens,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          {
            type: o.type,
            ...(o.short ? { short: o.short } : {}),
            ...(o.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // node's messages run to several sentences ("… To specify a positional argument
    // starting with a '-', place it …"): keep the first, in Strata's style.
    const text = err instanceof Error ? err.message : String(err);
    const detail = text.split(/\.(?:\s|$)/, 1)[0]!.replace(/'([^']*)'/g, '"$1"')
      .replace(/ <value>"/, '"');
    const ambiguous = /argument is ambiguous/.test(detail);
    const option = /"(-[^"]*)"/.exec(detail)?.[1];
    throw new UsageError(
      `Cannot parse the arguments of "${spec.name}": ${detail[0]!.toLowerCase()}${detail.slice(1)}`,
      {
        hint: ambiguous && option
          ? `to pass a value that starts with "-", write ${option}=VALUE`
          : `see \`strata ${spec.name} --help\``,
      },
    );
  }
  const args = parsed.positionals.map((p) =>
    p.startsWith("\u0000") ? shielded[Number(p.slice(1))]! : p
  );
  const values = parsed.values as OptionValues;
  if (!values.help) {
    const { min, max, names } = spec.positionals;
    if (args.length < min || args.length > max) {
      const want = min === max
        ? `${min}`
        : max === Infinity
        ? `at least ${min}`
        : `${min} to ${max}`;
      throw new UsageError(
        `${spec.name} takes ${want} argument${max === 1 ? "" : "s"} (${
          names || "none"
        }), got ${args.length}`,
        { hint: `usage: strata ${spec.usage}` },
      );
    }
  }
  return { args, values };
}

function isValueOption(token: string, options: Record<string, OptionSpec>): boolean {
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    if (token === `--${name}` || (o.short && token === `-${o.short}`)) return true;
  }
  return false;
}
