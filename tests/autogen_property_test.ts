/**
 * The autogenerate property test, on both databases (PostgreSQL live): for
 * seeded random pairs of declared schemas S1 → S2 (tests/_random_schema.ts),
 *
 * 1. autogenerate from an empty database to S1, write the migration file,
 *    `upgrade` it: the database reads back as S1 normalised, and comparing it
 *    with S1 finds nothing (what `check` does);
 * 2. autogenerate S1 → S2 (with the enum value rename hints the mutation
 *    made), upgrade: the database is S2, nothing differs;
 * 3. downgrade the second migration: the database is S1 again.
 *
 * S2 changes enum values too: added at any position (half of them used at
 * once, as a column's default: on PostgreSQL that needs `alterEnum`),
 * removed, reordered, renamed with or without a hint. A migration that
 * removes values runs on tables without rows (checked before the upgrade),
 * so no row holds them.
 *
 * The generated files are real migration files run by the real migrator
 * (module loading included), and a sample of them passes `deno check`,
 * `deno lint` and `deno fmt --check` in one batched call each.
 *
 * Counts: 16 pairs on SQLite and 12 on PostgreSQL by default; `STRATA_SOAK=1`
 * runs 100 per dialect. The default seeds must between them make every kind of
 * change in `COVERAGE`.
 * Reproduce: `STRATA_AUTOGEN_SEED=N` (with `STRATA_AUTOGEN_COUNT=K`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { applyEnumChange } from "../src/changes/enum_values.ts";
import { quoteIdent } from "../src/dialects/_common/quote.ts";
import { compareSchemas } from "../src/autogen/compare.ts";
import { orderedSteps, type Step } from "../src/autogen/difference.ts";
import type { NormalizedSchema } from "../src/autogen/normalize.ts";
import { renderMigrationBodies } from "../src/autogen/render_migration.ts";
import { AutogenSession } from "../src/autogen/session.ts";
import { type Config, resolveConfig } from "../src/config/resolve.ts";
import type { Dialect } from "../src/dialects/dialect.ts";
import { getDialect } from "../src/dialects/registry.ts";
import type { Driver } from "../src/drivers/driver.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { Migrator } from "../src/runner/migrator.ts";
import type { DeclaredSchema } from "../src/schema/declared.ts";
import type { Schema } from "../src/schema/model.ts";
import { validateDeclared } from "../src/schema/validate_declared.ts";
import { renderMigration } from "../src/script/template.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { mutateSchema, randomSchema, Rng } from "./_random_schema.ts";
import { ROOT } from "./_helpers.ts";

const SOAK = Deno.env.get("STRATA_SOAK") === "1";
const SEED = Deno.env.get("STRATA_AUTOGEN_SEED");
const FIRST = Number(SEED ?? 1);
/** Pairs per dialect: SQLite pairs are cheap, PostgreSQL ones take a few round trips more. */
const count = (dialect: "sqlite" | "postgres") =>
  Number(
    Deno.env.get("STRATA_AUTOGEN_COUNT") ??
      (SEED ? 1 : SOAK ? 100 : dialect === "sqlite" ? 16 : 12),
  );

/**
 * Change kinds the default seeds must make (so the generator cannot quietly
 * stop covering them); a soak run must make the rest too.
 */
const COVERAGE = {
  both: [
    "addColumn",
    "alterColumn:default",
    "alterColumn:nullable",
    "createCheckConstraint",
    "createEnum",
    "createForeignKey",
    "createIndex",
    "createTable",
    "createUniqueConstraint",
    "dropColumn",
    "dropIndex",
    "dropTable",
    "addEnumValue",
    "alterEnum:remove",
    "alterEnum:reorder",
    "renameEnumValue",
  ],
  postgres: [
    "alterColumn:comment",
    "alterTable",
    "dropConstraint",
    "dropEnum",
    // Values added by a type rebuild: a later step uses them before the commit.
    "alterEnum:add",
  ],
  soak: ["alterColumn:type", "dropConstraint", "alterEnum:add+remove", "enum:add,then remove"],
};
/** Generated files checked with deno check/lint/fmt, per dialect (plus up to 4 that change enum values). */
const SAMPLE = 6;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A schema in a form where equal schemas are equal values: lists sorted,
 * columns by name, expressions in the dialect's comparable form, and the
 * names of constraints the declared schema does not name left out (the
 * database chose them; autogenerate matches those by content).
 */
function canonical(s: Schema, declared: ReadonlySet<string>, dialect: Dialect): unknown {
  const expr = dialect.autogen.normalizeExpr;
  const sorted = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort(cmp);
  return {
    enums: sorted(s.enums.map((e) => ({ name: e.name, values: e.values }))),
    tables: [...s.tables].sort((a, b) => cmp(a.name, b.name)).map((t) => {
      const name = (n: string | null) => (n !== null && declared.has(`${t.name}\0${n}`) ? n : null);
      return {
        name: t.name,
        comment: t.comment,
        primaryKey: t.primaryKey,
        columns: [...t.columns].sort((a, b) => cmp(a.name, b.name)),
        indexes: sorted(t.indexes.map((i) => ({ ...i, where: i.where && expr(i.where) }))),
        uniques: sorted(t.uniques.map((u) => ({ ...u, name: name(u.name) }))),
        checks: sorted(t.checks.map((c) => ({ name: name(c.name), expr: expr(c.expr) }))),
        foreignKeys: sorted(t.foreignKeys.map((f) => ({ ...f, name: name(f.name) }))),
      };
    }),
  };
}

interface Project {
  /** Kinds of change the generated migrations made (`alterColumn:type`, …), for coverage. */
  kinds: Set<string>;
  config: Config;
  dir: string;
  texts: string[];
  /** A connection kept open for reading the schema back (PostgreSQL: saves a login per check). */
  reader: Driver | undefined;
}

/**
 * Autogenerates a migration from the database to `declared`, writes it,
 * upgrades, and checks the result.
 */
async function step(
  project: Project,
  declared: DeclaredSchema,
  revision: string,
  parent: string | null,
  where: string,
  renameEnumValues: Record<string, Record<string, string>> = {},
): Promise<NormalizedSchema> {
  const session = await AutogenSession.open(project.config);
  let normalized: NormalizedSchema;
  let text: string;
  try {
    const current = await session.current();
    assert.deepEqual(current.pending, [], `${where}: database at head before autogenerate`);
    normalized = await session.declared(declared, "schema.ts");
    const dialect = session.dialect;
    const differences = compareSchemas(current.schema, normalized.schema, {
      declaredNames: normalized.declaredNames,
      declaredText: normalized.declaredText,
      normalizeExpr: dialect.autogen.normalizeExpr,
      implicitConstraintName: dialect.autogen.implicitConstraintName,
      renameEnumValues,
      enumValueUsableBeforeCommit: session.migrator.engine.capabilities.enumValueUsableBeforeCommit,
    });
    const steps = orderedSteps(differences);
    const removing = enumKinds(current.schema, steps, project.kinds);
    for (const s of steps) {
      if (s.up?.kind === "alterColumn") {
        for (const k of Object.keys(s.up.patch)) project.kinds.add(`alterColumn:${k}`);
      } else if (s.up && s.up.kind !== "alterEnum") project.kinds.add(s.up.kind);
    }
    // Values are removed only where no row can hold them.
    for (const name of removing) {
      for (const t of current.schema.tables) {
        if (!t.columns.some((c) => c.type === `enum:${name}`)) continue;
        const [row] = await (await session.driver()).query(
          `SELECT count(*) AS n FROM ${quoteIdent(t.name)}`,
        );
        assert.equal(Number(row?.n), 0, `${where}: rows in "${t.name}" may hold a removed value`);
      }
    }
    // Every difference the generator makes has an operation (none is only a note).
    const unsupported = steps.filter((s) => s.up === undefined && s.notes.length > 0);
    assert.deepEqual(
      unsupported.flatMap((s) => s.notes),
      [],
      `${where}: steps without an operation`,
    );
    const bodies = renderMigrationBodies(steps, {
      defaultSql: dialect.defaultSql,
      implicitConstraintName: dialect.autogen.implicitConstraintName,
    });
    text = renderMigration({
      revision,
      downRevision: parent,
      message: where,
      createDate: "2024-01-01T00:00:00.000Z",
      upgradeBody: bodies.upgradeBody,
      downgradeBody: bodies.downgradeBody,
    });
  } finally {
    await session.close();
  }
  project.texts.push(text);
  await Deno.writeTextFile(join(project.config.dir, `${revision}_m.ts`), text);
  const migrator = new Migrator(project.config);
  try {
    await migrator.upgrade("head").catch((e) => {
      throw new Error(`${where}: upgrade failed: ${e.message}\n${text}`, { cause: e });
    });
  } finally {
    await migrator.close();
  }
  await expectSchema(project, normalized, `${where} (after upgrade)\n${text}`);
  return normalized;
}

/** The database reads back as `expected`, and comparing it with `expected` finds nothing. */
async function expectSchema(project: Project, expected: NormalizedSchema, where: string) {
  const { config } = project;
  const reader = project.reader ?? await openDriver(config.url!);
  try {
    const d = getDialect(config.url!.dialect);
    const schema = await d.introspect(reader, {
      exclude: [config.versionTable, config.historyTable],
    });
    assert.deepEqual(
      canonical(schema, expected.declaredNames, d),
      canonical(expected.schema, expected.declaredNames, d),
      `${where}: introspected schema differs`,
    );
    const left = compareSchemas(schema, expected.schema, {
      declaredNames: expected.declaredNames,
      normalizeExpr: d.autogen.normalizeExpr,
      implicitConstraintName: d.autogen.implicitConstraintName,
    });
    assert.deepEqual(left.flatMap((x) => x.messages), [], `${where}: check finds differences`);
  } finally {
    if (reader !== project.reader) await reader.close();
  }
}

/**
 * Records what each alterEnum does (`alterEnum:add`, `:remove`, `:reorder`,
 * `:add+remove`) and whether values are added early and others removed late
 * in one migration (`enum:add,then remove`), replaying the enum-value
 * changes on the current lists.
 *
 * @returns The enums some change removes values from.
 */
function enumKinds(current: Schema, steps: readonly Step[], kinds: Set<string>): Set<string> {
  const lists = new Map(current.enums.map((e) => [e.name, e.values]));
  const removing = new Set<string>();
  const added = new Set<string>();
  for (const s of steps) {
    const c = s.up;
    if (
      c?.kind !== "alterEnum" && c?.kind !== "addEnumValue" && c?.kind !== "renameEnumValue"
    ) continue;
    const before = lists.get(c.name)!;
    const next = applyEnumChange(before, c)!;
    if (next.removed.length > 0) removing.add(c.name);
    const adds = next.values.some((v) => !before.includes(v));
    if (c.kind === "alterEnum") {
      if (next.removed.length > 0) kinds.add("alterEnum:remove");
      if (adds) kinds.add("alterEnum:add");
      if (adds && next.removed.length > 0) kinds.add("alterEnum:add+remove");
      if (next.removed.length === 0 && next.values.length === before.length) {
        kinds.add("alterEnum:reorder");
      }
    }
    if (adds) added.add(c.name);
    if (next.removed.length > 0 && added.has(c.name)) kinds.add("enum:add,then remove");
    lists.set(c.name, next.values);
  }
  return removing;
}

async function runPair(
  dialect: "sqlite" | "postgres",
  seed: number,
  url: string,
  texts: string[],
  reader: Driver | undefined,
  kinds: Set<string>,
) {
  const rng = new Rng(seed);
  const { schema: s1, names } = randomSchema(rng, dialect);
  const { schema: s2, edits, renameEnumValues } = mutateSchema(rng, s1, dialect, names);
  validateDeclared(s1, "s1.ts");
  validateDeclared(s2, "s2.ts");
  const dir = await Deno.makeTempDir({ prefix: "strata-autogen-" });
  try {
    await Deno.mkdir(join(dir, "migrations"));
    const dbUrl = dialect === "sqlite" ? `sqlite:${join(dir, "db.sqlite")}` : url;
    const config = await resolveConfig({ url: dbUrl, dir: join(dir, "migrations") }, {}, dir);
    const project: Project = { config, dir, texts, reader, kinds };
    const label = `seed ${seed} on ${dialect} (reproduce: STRATA_AUTOGEN_SEED=${seed})`;
    try {
      const n1 = await step(project, s1, "r1", null, `${label}: empty -> S1`);
      await step(
        project,
        s2,
        "r2",
        "r1",
        `${label}: S1 -> S2 (${edits.join("; ")})`,
        renameEnumValues,
      );
      const migrator = new Migrator(config);
      try {
        await migrator.downgrade("r1");
      } finally {
        await migrator.close();
      }
      await expectSchema(project, n1, `${label}: downgrade S2 -> S1`);
    } catch (e) {
      console.error(`\nS1 = ${JSON.stringify(s1)}\nS2 = ${JSON.stringify(s2)}`);
      throw e;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `deno check`, `deno lint` and `deno fmt --check` once each over sample files. */
async function checkGenerated(texts: readonly string[]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "strata-autogen-check-" });
  try {
    // A user's project: its own deno.json mapping the package to this checkout.
    await Deno.writeTextFile(
      join(dir, "deno.json"),
      JSON.stringify({ imports: { "@strata/strata/migration": join(ROOT, "src/migration.ts") } }),
    );
    const files = await Promise.all(texts.map(async (t, i) => {
      const f = join(dir, `m${i}.ts`);
      await Deno.writeTextFile(f, t);
      return f;
    }));
    for (const args of [["check", "-q"], ["lint"], ["fmt", "--check"]]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [...args, "--config", join(dir, "deno.json"), ...files],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      assert.equal(
        out.code,
        0,
        `deno ${args[0]} on generated migrations:\n${dec.decode(out.stdout)}${
          dec.decode(out.stderr)
        }`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const dialect of ["sqlite", "postgres"] as const) {
  Deno.test({
    name: `autogenerate on ${dialect}: random S1 -> S2 upgrade and downgrade read back as ` +
      `declared, check finds nothing (${count(dialect)} pairs from seed ${FIRST})`,
    ignore: dialect === "postgres" && !hasPg(),
    async fn() {
      const pg = dialect === "postgres" ? await createPgDatabase("autogen") : undefined;
      const reader = pg ? await openDriver(pg.url) : undefined;
      const texts: string[] = [];
      const kinds = new Set<string>();
      try {
        for (let seed = FIRST; seed < FIRST + count(dialect); seed++) {
          await runPair(dialect, seed, pg?.url ?? "", texts, reader, kinds);
          await reader?.execute({ sql: "DROP SCHEMA public CASCADE; CREATE SCHEMA public" });
        }
      } finally {
        await reader?.close();
        await pg?.drop();
      }
      assert.equal(texts.length, count(dialect) * 2);
      if (SEED === undefined) {
        const want = [
          ...COVERAGE.both,
          ...(dialect === "postgres" ? COVERAGE.postgres : []),
          ...(SOAK ? COVERAGE.soak : []),
        ];
        const missing = want.filter((k) => !kinds.has(k));
        assert.deepEqual(missing, [], `the generated migrations never made these changes`);
      }
      // The first few, and a few more that change enum values.
      const enumTexts = texts.slice(SAMPLE).filter((t) => /op\.(\w+EnumValue|alterEnum)\(/.test(t));
      await checkGenerated([...texts.slice(0, SAMPLE), ...enumTexts.slice(0, 4)]);
    },
  });
}
