/**
 * `init`: what a new project needs. It checks every file first and writes
 * only when nothing would be overwritten, so a refused `init` leaves the
 * directory as it was.
 *
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";
import { exists } from "../_fs.ts";
import { parseDatabaseUrl } from "../config/url.ts";
import { DIALECT_NAMES } from "../dialects/names.ts";
import { engineByName } from "../dialects/registry.ts";
import { UsageError } from "../errors.ts";
import { MIGRATION_TEMPLATE } from "../script/_template.ts";
import { VERSION } from "../version.ts";
import { PROJECT_TEMPLATE } from "./_template.ts";
import { type CommandContext, type CommandSpec, stringOpt } from "./spec.ts";

/** The package name users import. */
const PACKAGE = "@strata/strata";
/** The `deno.json` entries `--deno` adds. */
const DENO_IMPORT = `jsr:${PACKAGE}@^${VERSION}`;
const DENO_TASK = `deno run -A ${PACKAGE}/cli`;

/** What to write where. */
interface Write {
  path: string;
  text: string;
  /** `created` or `updated` (an existing deno.json gaining keys). */
  action: "created" | "updated";
}

/** `strata init`. */
export const initCommand: CommandSpec = {
  name: "init",
  summary: "Set up a project: migrations directory, strata.json, deno.json lines, template",
  usage: "init (--url URL | --dialect sqlite|postgres) [--dir DIR] [--deno] [--template]",
  description: [
    "--url writes the URL into strata.json (refused when it holds a password: strata.json is",
    "usually committed; keep such URLs in DATABASE_URL). --dialect writes the engine and no",
    "URL, and says how to configure one: Strata never picks a database by itself. --deno adds",
    `the import "${PACKAGE}" and a "migrate" task to deno.json (created if missing).`,
    `--template writes the default migration template to ${PROJECT_TEMPLATE} for editing.`,
    "Existing files are never overwritten: init refuses and writes nothing.",
  ].join("\n"),
  options: {
    dialect: {
      type: "string",
      arg: "NAME",
      description: "sqlite or postgres: the engine, with the URL left to DATABASE_URL",
    },
    deno: { type: "boolean", description: `add the "${PACKAGE}" import and a migrate task` },
    template: {
      type: "boolean",
      description: `write the default migration template to ${PROJECT_TEMPLATE}`,
    },
  },
  positionals: { min: 0, max: 0, names: "" },
  examples: [
    "strata init --url sqlite:app.db --deno        # a SQLite project run by `deno task migrate`",
    "strata init --dialect postgres                 # then set DATABASE_URL in .env",
    "strata init --template                         # customize new migration files",
  ],
  async run(ctx) {
    const writes: Write[] = [];
    const url = stringOpt(ctx.values, "url");
    const dialect = stringOpt(ctx.values, "dialect");
    if (url === undefined && dialect === undefined && !ctx.values.deno && !ctx.values.template) {
      throw new UsageError("init needs --url URL or --dialect sqlite|postgres", {
        hint: "e.g. `strata init --url sqlite:app.db` or `strata init --dialect postgres`; " +
          "--deno and --template alone add to an existing project",
      });
    }
    const notes: string[] = [];
    // What the user types next: with --deno there is no `strata` on the PATH.
    const strata = ctx.values.deno ? "deno task migrate" : "strata";
    if (url !== undefined || dialect !== undefined) {
      writes.push(...await projectFiles(ctx, { url, dialect, strata }, notes));
    }
    if (ctx.values.deno) {
      const write = await denoJson(ctx.cwd);
      if (write) writes.push(write);
      else notes.push(`deno.json already has the "${PACKAGE}" import and the migrate task`);
    }
    if (ctx.values.template) {
      const path = join(ctx.cwd, PROJECT_TEMPLATE);
      await refuseExisting(path, "edit it, or remove it to write the default again");
      writes.push({ path, text: MIGRATION_TEMPLATE, action: "created" });
    }
    for (const w of writes) {
      if (w.text === "") await Deno.mkdir(w.path, { recursive: true });
      else {
        await Deno.mkdir(dirname(w.path), { recursive: true });
        await Deno.writeTextFile(w.path, w.text, w.action === "created" ? { createNew: true } : {});
      }
    }
    const shown = writes.map((w) => ({
      path: (relative(ctx.cwd, w.path) || w.path) + (w.text === "" ? "/" : ""),
      action: w.action,
    }));
    if (ctx.out.json) {
      ctx.out.data({ files: shown, notes });
      return 0;
    }
    for (const s of shown) {
      ctx.out.line(`${s.action === "created" ? "Created" : "Updated"} ${s.path}`);
    }
    for (const n of notes) ctx.out.line(n);
    return 0;
  },
};

/** The migrations directory and strata.json. */
async function projectFiles(
  ctx: CommandContext,
  { url, dialect, strata }: {
    url?: string | undefined;
    dialect?: string | undefined;
    strata: string;
  },
  notes: string[],
): Promise<Write[]> {
  const name = dialect === undefined ? undefined : DIALECT_NAMES.find((d) => d === dialect);
  if (dialect !== undefined && name === undefined) {
    throw new UsageError(`Unknown dialect "${dialect}"`, {
      hint: `use --dialect ${DIALECT_NAMES.join(" or --dialect ")}`,
    });
  }
  if (url !== undefined) {
    const parsed = parseDatabaseUrl(url, ctx.cwd);
    if (engineByName(parsed.dialect).hasPassword(parsed)) {
      throw new UsageError("Cannot write the database URL to strata.json: it holds a password", {
        hint: "strata.json is usually committed: put the URL in DATABASE_URL (the environment " +
          `or .env) and run \`strata init --dialect ${parsed.dialect}\``,
      });
    }
    if (name !== undefined && parsed.dialect !== name) {
      throw new UsageError(`--url is a ${parsed.dialect} URL, but --dialect says "${name}"`);
    }
  }
  const file = resolve(ctx.cwd, stringOpt(ctx.values, "config") ?? "strata.json");
  await refuseExisting(file, "edit it, or remove it to start over");
  const dir = resolve(ctx.cwd, stringOpt(ctx.values, "dir") ?? "migrations");
  const info = await Deno.stat(dir).catch(() => null);
  if (info !== null && !info.isDirectory) {
    throw new UsageError(`Cannot create the migrations directory "${dir}": a file is in the way`);
  }
  const settings: Record<string, string> = {};
  if (url !== undefined) settings.url = url;
  if (name !== undefined) settings.dialect = name;
  settings.dir = relative(dirname(file), dir) || ".";
  if (url === undefined && name !== undefined) {
    const engine = engineByName(name);
    const vars = engine.urlParts?.parts.map((p) => p.env) ?? [];
    notes.push(
      "No database is configured yet, and Strata never picks one by itself. Set it where",
      "passwords belong, e.g. in .env (keep it out of version control):",
      `  DATABASE_URL=${engine.initExample}`,
      ...(vars.length > 0 ? [`or ${vars.slice(0, -1).join(", ")} and ${vars.at(-1)}.`] : []),
      `\`${strata} config\` shows what Strata resolves.`,
    );
  }
  notes.push(`Next: ${strata} revision -m "create users"`);
  return [
    ...(info === null ? [{ path: dir, text: "", action: "created" as const }] : []),
    { path: file, text: JSON.stringify(settings, null, 2) + "\n", action: "created" },
  ];
}

/** deno.json with the import and the task: created, or existing keys checked and added. */
async function denoJson(cwd: string): Promise<Write | undefined> {
  const path = join(cwd, "deno.json");
  const lines =
    `"imports": { "${PACKAGE}": "${DENO_IMPORT}" }, "tasks": { "migrate": "${DENO_TASK}" }`;
  let text: string | undefined;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (text === undefined) {
    if (await exists(join(cwd, "deno.jsonc"))) {
      throw new UsageError(
        "Cannot add to deno.jsonc: Strata does not rewrite files with comments",
        {
          hint: `add by hand: ${lines}`,
        },
      );
    }
    const data = { imports: { [PACKAGE]: DENO_IMPORT }, tasks: { migrate: DENO_TASK } };
    return { path, text: JSON.stringify(data, null, 2) + "\n", action: "created" };
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError("Cannot add to deno.json: it is not plain JSON (comments?)", {
      hint: `add by hand: ${lines}`,
    });
  }
  const imports = objectAt(data, "imports", path);
  const tasks = objectAt(data, "tasks", path);
  for (
    const [table, key, want] of [[imports, PACKAGE, DENO_IMPORT], [
      tasks,
      "migrate",
      DENO_TASK,
    ]] as const
  ) {
    if (table[key] !== undefined && table[key] !== want) {
      throw new UsageError(
        `Cannot add to deno.json: "${key}" is already set to ${JSON.stringify(table[key])}`,
        { hint: `keep yours, or set it to ${JSON.stringify(want)} by hand` },
      );
    }
  }
  if (imports[PACKAGE] === DENO_IMPORT && tasks.migrate === DENO_TASK) return undefined;
  data.imports = { ...imports, [PACKAGE]: DENO_IMPORT };
  data.tasks = { ...tasks, migrate: DENO_TASK };
  return { path, text: JSON.stringify(data, null, 2) + "\n", action: "updated" };
}

function objectAt(data: Record<string, unknown>, key: string, path: string) {
  const v = data[key] ?? {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new UsageError(`Cannot add to "${path}": "${key}" is not an object`);
  }
  return v as Record<string, unknown>;
}

async function refuseExisting(path: string, hint: string): Promise<void> {
  if (await exists(path)) {
    throw new UsageError(`Cannot initialize: "${path}" already exists`, { hint });
  }
}
