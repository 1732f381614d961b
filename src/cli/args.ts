/**
 * Splits argv into the command name, global options and command options,
 * from the tokens of `node:util`'s `parseArgs` (`tokens: true, strict:
 * false`): Strata reads what the user wrote from the tokens and writes its
 * own messages, instead of rewording parseArgs' English errors. (An npm
 * parser such as commander costs ~30 ms of start-up under Deno, measured; a
 * no-op `upgrade head` has a 50 ms budget.)
 *
 * Relative targets (`-1`, `-2:head`) look like short options; they are
 * positionals here. They are taken out before parsing, by position, and put
 * back in their place among the positionals.
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
    description: "database URL (env STRATA_URL, DATABASE_URL, POSTGRES_*; no default)",
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

/** A relative target such as `-1` or `-2:head`: a positional, not an option. */
const RELATIVE = /^-\d/;

/** The result of {@linkcode splitArgs}. */
export interface SplitArgs {
  /** The command name, when there is one. */
  command: string | undefined;
  /** Every other argument, in order. */
  rest: string[];
}

/**
 * Finds the command name: the first positional after the global options.
 *
 * @param argv Arguments after the program name.
 * @returns The command and every other argument in order.
 *
 * @example
 * ```ts
 * import { splitArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitArgs(["-u", "sqlite:a.db", "downgrade", "-1"]), {
 *   command: "downgrade",
 *   rest: ["-u", "sqlite:a.db", "-1"],
 * });
 * ```
 */
export function splitArgs(argv: readonly string[]): SplitArgs {
  const { tokens } = tokenize(argv, GLOBAL_OPTIONS);
  for (const token of tokens) {
    if (token.kind === "option-terminator") break;
    if (token.kind === "positional") {
      const i = token.index;
      return { command: argv[i], rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    }
  }
  return { command: undefined, rest: [...argv] };
}

/**
 * Parses a command's arguments.
 *
 * @param spec The command.
 * @param rest Arguments without the command name.
 * @returns Positionals and option values.
 * @throws {UsageError} For an unknown option, a missing value, a value given
 *   to a flag, or a wrong number of positionals.
 *
 * @example A relative target is a positional
 * ```ts
 * import { parseCommandArgs } from "./args.ts";
 * import { downgradeCommand } from "./upgrade.ts";
 * import assert from "node:assert/strict";
 * const { args, values } = parseCommandArgs(downgradeCommand, ["-2:head", "--sql"]);
 * assert.deepEqual([args, values.sql], [["-2:head"], true]);
 * ```
 */
export function parseCommandArgs(
  spec: CommandSpec,
  rest: readonly string[],
): { args: string[]; values: OptionValues } {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  const { tokens, relative } = tokenize(rest, options);
  const values: OptionValues = {};
  const positionals: { index: number; value: string }[] = relative;
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push({ index: token.index, value: token.value });
      continue;
    }
    if (token.kind !== "option") continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw unknownOption(spec, token.rawName, options);
    const shown = option.short === token.name ? `-${option.short}` : `--${token.name}`;
    if (option.type === "boolean") {
      if (token.value !== undefined) {
        throw new UsageError(`Option "${shown}" takes no value, got "${token.value}"`, {
          hint: `write ${shown} alone; see \`strata ${spec.name} --help\``,
        });
      }
      setValue(values, token.name, true, option);
      continue;
    }
    // A short option's inline value: "-mfix" and "-m=fix" both mean "fix".
    let value = token.value;
    if (value !== undefined && token.inlineValue && token.rawName.length === 2) {
      value = value.replace(/^=/, "");
    }
    if (value === undefined) {
      throw new UsageError(`Option "${token.rawName}" needs a value`, {
        hint: `usage: ${token.rawName} ${option.arg ?? "VALUE"}`,
      });
    }
    // "-m --sql": the user most likely forgot the value. A value that really
    // starts with "-" is written inline ("--message=-x"); relative targets pass.
    if (!token.inlineValue && value.startsWith("-") && value !== "-" && !RELATIVE.test(value)) {
      const long = `--${token.name}`;
      throw new UsageError(`Option "${token.rawName}" needs a value, got option "${value}"`, {
        hint: `to pass a value that starts with "-", write ${long}=${value}`,
      });
    }
    setValue(values, token.name, value, option);
  }
  const args = positionals.sort((a, b) => a.index - b.index).map((p) => p.value);
  if (!values.help) checkCount(spec, args);
  return { args, values };
}

/** One token of `parseArgs`, with indices into the caller's argument list. */
type Token =
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number }
  | {
    kind: "option";
    index: number;
    name: string;
    rawName: string;
    value: string | undefined;
    inlineValue: boolean | undefined;
  };

/**
 * Tokenizes `args`, taking relative targets out first so that parseArgs never
 * reads `-2:head` as the short options `-2 -: -h -e -a -d`.
 */
function tokenize(
  args: readonly string[],
  options: Record<string, OptionSpec>,
): { tokens: Token[]; relative: { index: number; value: string }[] } {
  const relative: { index: number; value: string }[] = [];
  const kept: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      for (let j = i; j < args.length; j++) kept.push(j);
      break;
    }
    if (RELATIVE.test(a)) relative.push({ index: i, value: a });
    else {
      kept.push(i);
      // The next argument is this option's value: keep it whatever it looks like.
      if (takesNextArg(a, options) && i + 1 < args.length) kept.push(++i);
    }
  }
  const { tokens } = parseArgs({
    args: kept.map((i) => args[i]!),
    options: Object.fromEntries(
      Object.entries(options).map(([name, o]) => [
        name,
        { type: o.type, ...(o.short ? { short: o.short } : {}) },
      ]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  return {
    tokens: tokens.map((t) => ({ ...t, index: kept[t.index]! }) as Token),
    relative,
  };
}

/** Whether `arg` is a string option (or a short group ending in one) with its value next. */
function takesNextArg(arg: string, options: Record<string, OptionSpec>): boolean {
  if (arg.startsWith("--")) {
    const name = arg.slice(2);
    return !arg.includes("=") && Object.hasOwn(options, name) && options[name]!.type === "string";
  }
  if (!arg.startsWith("-") || arg.length < 2) return false;
  const shorts = new Map(
    Object.values(options).filter((o) => o.short).map((o) => [o.short!, o] as const),
  );
  for (let i = 1; i < arg.length; i++) {
    const o = shorts.get(arg[i]!);
    // A string option inside a group takes the rest of the group as its value.
    if (o?.type === "string") return i === arg.length - 1;
  }
  return false;
}

function setValue(values: OptionValues, name: string, value: string | boolean, o: OptionSpec) {
  if (!o.multiple) {
    values[name] = value;
    return;
  }
  const list = (values[name] ?? []) as (string | boolean)[];
  values[name] = [...list, value] as string[] | boolean[];
}

function unknownOption(
  spec: CommandSpec,
  raw: string,
  options: Record<string, OptionSpec>,
): UsageError {
  const names = Object.keys(options).map((n) => `--${n}`);
  const near = raw.startsWith("--")
    ? names.find((n) => editDistance(n, raw) <= 2 && n !== raw)
    : undefined;
  return new UsageError(`Unknown option "${raw}" for "${spec.name}"`, {
    hint: near ? `did you mean ${near}?` : `see \`strata ${spec.name} --help\``,
  });
}

function checkCount(spec: CommandSpec, args: string[]): void {
  const { min, max, names } = spec.positionals;
  if (args.length >= min && args.length <= max) return;
  const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  throw new UsageError(
    `${spec.name} takes ${want} argument${max === 1 ? "" : "s"} (${
      names || "none"
    }), got ${args.length}`,
    { hint: `usage: strata ${spec.usage}` },
  );
}

/** Levenshtein distance, for "did you mean" on a mistyped long option. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}
