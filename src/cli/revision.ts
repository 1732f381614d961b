/**
 * `revision` and `merge`: write new migration files.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { RevisionMap } from "../graph/revision_map.ts";
import { resolveTarget } from "../graph/target.ts";
import { newRevisionId, writeMigration } from "../script/template.ts";
import { relative } from "node:path";
import { type CommandContext, type CommandSpec, stringOpt, stringsOpt } from "./spec.ts";
import { projectTemplate, readTemplate } from "./_template.ts";
import { AUTOGENERATE_OPTIONS, autogenerateBodies } from "./_autogen.ts";

/** The project's template text, or `undefined` for the built-in one. */
async function templateText(ctx: CommandContext): Promise<{ template?: string }> {
  const text = await readTemplate(await projectTemplate(await ctx.config(), ctx.cwd));
  return text === undefined ? {} : { template: text };
}

const REV_ID = /^[A-Za-z0-9][A-Za-z0-9_]{0,63}$/; // "_x_msg.ts" would be skipped by discovery

function chooseId(ctx: CommandContext, map: RevisionMap | undefined): string {
  const id = stringOpt(ctx.values, "rev-id") ?? newRevisionId();
  if (!REV_ID.test(id)) {
    throw new UsageError(`Invalid revision id "${id}"`, { hint: "use 1-64 letters, digits or _" });
  }
  if (map?.has(id)) throw new UsageError(`Revision "${id}" already exists`);
  return id;
}

function requireMessage(ctx: CommandContext, name: string): string {
  const message = stringOpt(ctx.values, "message");
  if (!message || !message.trim()) {
    throw new UsageError(`${name} needs a message`, { hint: `strata ${name} -m "what it does"` });
  }
  return message.trim();
}

async function graphOrEmpty(ctx: CommandContext): Promise<RevisionMap | undefined> {
  const dir = (await ctx.config()).dir;
  const info = await Deno.stat(dir).catch(() => null);
  if (info === null) {
    throw new UsageError(
      `Cannot find the migrations directory "${relative(ctx.cwd, dir) || dir}"`,
      {
        hint: "run `strata init --url URL` (or --dialect sqlite|postgres) to set up a project, " +
          "or point --dir at your migrations",
      },
    );
  }
  const migrator = await ctx.migrator();
  const scripts = await migrator.scripts();
  return scripts.length ? await migrator.graph() : undefined;
}

function report(ctx: CommandContext, path: string, revision: string): number {
  if (ctx.out.json) ctx.out.data({ revision, path });
  else ctx.out.line(`Created ${relative(ctx.cwd, path) || path} (revision ${revision})`);
  return 0;
}

/**
 * The bodies for `--autogenerate` (`{}` without it); `null` when nothing
 * differs, after saying so.
 */
async function autogenerate(
  ctx: CommandContext,
): Promise<{ upgradeBody?: string; downgradeBody?: string; reviews?: number } | null> {
  if (!ctx.values.autogenerate) {
    for (const flag of ["rename", "rename-table", "rename-enum-value", "dev-url", "schema"]) {
      if (ctx.values[flag] !== undefined) {
        throw new UsageError(`--${flag} needs --autogenerate`);
      }
    }
    return {};
  }
  const bodies = await autogenerateBodies(ctx);
  if (bodies !== undefined) return bodies;
  if (ctx.out.json) ctx.out.data({ revision: null, path: null, changes: false });
  else ctx.out.line("No changes detected");
  return null;
}

/** `strata revision`. */
export const revisionCommand: CommandSpec = {
  name: "revision",
  summary: "Write a new migration file",
  usage: "revision -m MSG [--head REV] [--branch-label L] [--depends-on REV] [--rev-id ID] " +
    "[--autogenerate [--rename T.OLD:NEW] [--rename-table OLD:NEW] [--rename-enum-value E.OLD:NEW] " +
    "[--dev-url URL]]",
  description: [
    "The new revision's parent is the single head, or --head (use --head base to start a new branch).",
    "The file comes from the project's template: `template` in strata.json, else",
    "templates/migration.ts.tmpl if present (`strata init --template` writes one), else the built-in one.",
    "--autogenerate fills it with the difference between the database (at head) and the declared",
    "schema; with nothing to do it writes no file. A rename looks like a drop and an add: say what",
    "was renamed with --rename (columns), --rename-table and --rename-enum-value (enum values).",
    "Enum values added, removed or reordered become addEnumValue / alterEnum calls.",
  ].join("\n"),
  options: {
    message: { type: "string", short: "m", arg: "MSG", description: "what the migration does" },
    head: { type: "string", arg: "REV", description: "parent revision (default: the head)" },
    "branch-label": { type: "string", multiple: true, arg: "L", description: "label a new branch" },
    "depends-on": { type: "string", multiple: true, arg: "REV", description: "also depend on REV" },
    "rev-id": { type: "string", arg: "ID", description: "use this id instead of a random one" },
    ...AUTOGENERATE_OPTIONS,
  },
  positionals: { min: 0, max: 0, names: "" },
  examples: [
    'strata revision -m "add user bio"',
    'strata revision --autogenerate -m "add user bio"',
    'strata revision --autogenerate -m "rename" --rename users.name:full_name',
    'strata revision --autogenerate -m "rename role" --rename-enum-value message_role.system:developer',
    'strata revision --autogenerate -m "add bio" --dev-url sqlite::memory:',
    'strata revision -m "start billing" --head base --branch-label billing',
    'strata revision -m "invoices" --head billing@head --depends-on ae10',
  ],
  async run(ctx) {
    const message = requireMessage(ctx, "revision");
    const map = await graphOrEmpty(ctx);
    const head = stringOpt(ctx.values, "head");
    let parents: string[] = [];
    if (map) parents = resolveTarget(map, head ?? "head", []);
    else if (head && head !== "base") {
      throw new UsageError(`Cannot find revision "${head}": there are no migrations yet`);
    }
    if (parents.length > 1) {
      throw new UsageError(`--head "${head}" names ${parents.length} revisions`, {
        hint: "name one revision, or use `strata merge` to join heads",
      });
    }
    const dependsOn = stringsOpt(ctx.values, "depends-on").map((d) => {
      if (!map) throw new UsageError(`Cannot find revision "${d}": there are no migrations yet`);
      return map.resolvePrefix(d);
    });
    const revision = chooseId(ctx, map);
    const bodies = await autogenerate(ctx);
    if (bodies === null) return 0;
    const dir = (await ctx.config()).dir;
    const path = await writeMigration(dir, {
      revision,
      downRevision: parents[0] ?? null,
      message,
      branchLabels: stringsOpt(ctx.values, "branch-label"),
      dependsOn,
      ...await templateText(ctx),
      ...(bodies.upgradeBody === undefined ? {} : { upgradeBody: bodies.upgradeBody }),
      ...(bodies.downgradeBody === undefined ? {} : { downgradeBody: bodies.downgradeBody }),
    });
    const code = report(ctx, path, revision);
    const n = bodies.reviews ?? 0;
    if (n > 0) {
      ctx.out.warn(`${n} place${n === 1 ? "" : "s"} marked "// review:" in the new migration`);
    }
    return code;
  },
};

/** `strata merge`. */
export const mergeCommand: CommandSpec = {
  name: "merge",
  summary: "Write a merge revision that joins several heads",
  usage: "merge REV... -m MSG [--rev-id ID]",
  options: {
    message: { type: "string", short: "m", arg: "MSG", description: "what the merge does" },
    "branch-label": { type: "string", multiple: true, arg: "L", description: "label the merge" },
    "rev-id": { type: "string", arg: "ID", description: "use this id instead of a random one" },
  },
  positionals: { min: 1, max: Infinity, names: "REV..." },
  examples: ['strata merge heads -m "merge bio and search"', 'strata merge ae10 27c6 -m "join"'],
  async run(ctx) {
    const message = requireMessage(ctx, "merge");
    const map = await graphOrEmpty(ctx);
    if (!map) throw new UsageError("There are no revisions to merge");
    const parents = [...new Set(ctx.args.flatMap((a) => resolveTarget(map, a, [])))];
    if (parents.length < 2) {
      throw new UsageError(`merge needs at least two revisions, got ${parents.length}`, {
        hint: "`strata heads` lists the heads to merge",
      });
    }
    const revision = chooseId(ctx, map);
    const path = await writeMigration((await ctx.config()).dir, {
      revision,
      downRevision: parents.sort(),
      message,
      branchLabels: stringsOpt(ctx.values, "branch-label"),
      ...await templateText(ctx),
    });
    return report(ctx, path, revision);
  },
};
