/**
 * Help text, generated from the command descriptions.
 *
 * @module
 */
import { GLOBAL_OPTIONS } from "./args.ts";
import type { CommandSpec, OptionSpec } from "./spec.ts";

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.arg ? ` ${o.arg}` : ""}`;
    return [flag, o.description + (o.multiple ? " (repeatable)" : "")] as const;
  });
  const width = Math.max(0, ...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

/**
 * The help of one command.
 *
 * @param spec The command.
 * @returns Multi-line text.
 */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: strata ${spec.usage}`, "", spec.summary];
  if (spec.description) lines.push("", spec.description);
  if (Object.keys(spec.options).length) lines.push("", "Options:", ...optionLines(spec.options));
  lines.push("", "Global options:", ...optionLines(GLOBAL_OPTIONS));
  lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

/**
 * The top-level help: every command with its summary.
 *
 * @param commands All commands.
 * @param version Strata's version.
 * @returns Multi-line text.
 */
export function mainHelp(commands: readonly CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `strata ${version} — schema migrations for SQLite and PostgreSQL`,
    "",
    "Usage: strata [-u URL] [-d DIR] [--json] COMMAND [ARGS] [OPTIONS]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Examples:",
    "  strata upgrade head                          # apply every pending migration",
    "  strata -u postgres://app@db/app current      # show the database's revision",
    '  strata revision -m "add user bio"            # write a new migration file',
    "",
    "Run `strata COMMAND --help` for a command's options and examples.",
  ].join("\n");
}
