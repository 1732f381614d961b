/**
 * `config`: the resolved settings and where each came from, passwords
 * masked. It never connects, and a missing database is shown, not an error.
 *
 * @module
 */
import type { Config } from "../config/resolve.ts";
import { displayUrl } from "../config/url.ts";
import { projectTemplate } from "./_template.ts";
import type { CommandSpec } from "./spec.ts";

/**
 * One line per setting: name, value, and its source in parentheses.
 *
 * @param config The resolved configuration.
 * @param template The template in use, if already looked up.
 * @returns The lines, e.g. `url           postgres://app:***@db:5432/app  (env POSTGRES_HOST, …)`.
 */
export function settingLines(
  config: Config,
  template?: { path: string | undefined; source: string },
): string[] {
  const rows: [string, string, string][] = [
    config.url === undefined
      ? ["url", `NONE: no database configured (looked in ${config.lookedIn})`, ""]
      : ["url", displayUrl(config.url), config.source.url ?? ""],
    ["dialect", config.dialect ?? "(none)", config.source.dialect ?? (config.url ? "url" : "")],
    ["dir", config.dir, config.source.dir ?? ""],
    ["versionTable", config.versionTable, config.source.versionTable ?? ""],
    ["historyTable", config.historyTable, config.source.historyTable ?? ""],
    ["lockTimeout", `${config.lockTimeoutMs / 1000} s`, config.source.lockTimeoutMs ?? ""],
    [
      "statementLockTimeout",
      config.statementLockTimeoutMs === 0 ? "none" : `${config.statementLockTimeoutMs / 1000} s`,
      config.source.statementLockTimeoutMs ?? "",
    ],
  ];
  if (template) rows.push(["template", template.path ?? "(built in)", template.source]);
  const keyWidth = Math.max(...rows.map(([k]) => k.length)) + 2;
  const width = Math.max(...rows.map(([, v]) => v.length));
  return rows.map(([k, v, src]) =>
    `${k.padEnd(keyWidth)}${src ? `${v.padEnd(Math.min(width, 48))}  (${src})` : v}`.trimEnd()
  );
}

/** `strata config`. */
export const configCommand: CommandSpec = {
  name: "config",
  summary: "Show the resolved settings and where each came from (passwords masked)",
  usage: "config",
  description: [
    "Settings come from, highest first: flags, the environment, .env, strata.json, defaults.",
    "There is no default database: without one, the url line says where Strata looked.",
    "Never connects to the database.",
  ].join("\n"),
  options: {},
  positionals: { min: 0, max: 0, names: "" },
  examples: [
    "strata config",
    "POSTGRES_HOST=127.0.0.1 strata config     # see which parts merged into the URL",
    "strata config --json",
  ],
  async run(ctx) {
    const config = await ctx.config();
    const template = await projectTemplate(config, ctx.cwd);
    if (ctx.out.json) {
      ctx.out.data({
        url: config.url === undefined ? null : displayUrl(config.url),
        dialect: config.dialect ?? null,
        dir: config.dir,
        versionTable: config.versionTable,
        historyTable: config.historyTable,
        lockTimeoutMs: config.lockTimeoutMs,
        statementLockTimeoutMs: config.statementLockTimeoutMs,
        template: template.path ?? null,
        source: { ...config.source, template: template.source },
        ...(config.url === undefined ? { lookedIn: config.lookedIn } : {}),
      });
      return 0;
    }
    for (const line of settingLines(config, template)) ctx.out.line(line);
    return 0;
  },
};
