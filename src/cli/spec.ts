/**
 * How a command is described: its options, positionals, help text and
 * examples. The parser, the help printer and the dispatcher all read this
 * one description.
 *
 * @module
 */
import type { Config } from "../config/resolve.ts";
import type { Migrator } from "../runner/migrator.ts";
import type { Output } from "./output.ts";

/** One command-line option. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder for the value in help, e.g. `MSG`. */
  arg?: string;
  description: string;
}

/** Parsed values of a command's options. */
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** What a command's `run` receives. */
export interface CommandContext {
  out: Output;
  /** Resolves configuration from flags, environment, `.env` and config file. */
  config(): Promise<Config>;
  /** The migrator for the resolved configuration (created once, closed by the dispatcher). */
  migrator(): Promise<Migrator>;
  /** Positional arguments after the command name. */
  args: string[];
  /** Option values (global and command). */
  values: OptionValues;
  cwd: string;
  env: Record<string, string>;
}

/** A command. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage line after `strata`, e.g. `upgrade [TARGET] [--sql]`. */
  usage: string;
  /** Longer help, a few lines. */
  description?: string;
  options: Record<string, OptionSpec>;
  /** Allowed positional count. */
  positionals: { min: number; max: number; names: string };
  /** Examples, each `command line  # what it does`. */
  examples: string[];
  /**
   * Whether this run touches the database: when it does and none is
   * configured, the dispatcher refuses (exit 2) before anything else runs.
   * Commands that only sometimes read it (`history -i`) leave this out; the
   * Migrator refuses when they get there.
   */
  needsDatabase?: (values: OptionValues) => boolean;
  /** Runs the command; returns the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/**
 * Reads a string option.
 *
 * @param values Parsed values.
 * @param name Option name.
 * @returns The value or `undefined`.
 */
export function stringOpt(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * Reads a repeatable string option.
 *
 * @param values Parsed values.
 * @param name Option name.
 * @returns The values (empty when absent).
 */
export function stringsOpt(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}
