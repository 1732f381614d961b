/**
 * Golden files for the text `revision --autogenerate` writes, for
 * hand-written cases on both databases: rename hints, data-losing drops and
 * a narrowed type, new tables with a foreign key between them, index changes,
 * differences Strata has no operation for (review notes), and enum values
 * added (placed, and used in the same migration), removed, reordered and
 * renamed by hint. Pinned in `tests/golden/autogen/<case>.<dialect>.ts`.
 *
 * Each case also runs: the database is built from the "before" schema (with
 * the case's rows, if any), the generated migration is upgraded (then the
 * database matches "after" and comparing finds nothing, unless the case has
 * review notes) and downgraded (then it matches "before" again); the rows
 * are read back after each.
 *
 * Rewrite the goldens after reviewing a change: `UPDATE_GOLDEN=1 deno test -A tests/autogen_golden_test.ts`
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Change } from "../src/changes/change.ts";
import { type CompareOptions, compareSchemas } from "../src/autogen/compare.ts";
import { orderedSteps } from "../src/autogen/difference.ts";
import { applyChanges } from "../src/autogen/normalize.ts";
import { renderMigrationBodies } from "../src/autogen/render_migration.ts";
import { AutogenSession } from "../src/autogen/session.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { getDialect } from "../src/dialects/registry.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { Migrator } from "../src/runner/migrator.ts";
import type { DeclaredSchema } from "../src/schema/declared.ts";
import { declaredChanges } from "../src/schema/to_changes.ts";
import { renderMigration } from "../src/script/template.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { ROOT } from "./_helpers.ts";

const GOLDEN_DIR = join(ROOT, "tests", "golden", "autogen");
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

interface GoldenCase {
  name: string;
  before: DeclaredSchema;
  after: DeclaredSchema;
  hints?: Pick<CompareOptions, "renameTables" | "renameColumns" | "renameEnumValues">;
  /** The case has differences no operation makes: the database still differs afterwards. */
  reviewOnly?: boolean;
  /** Rows put in before autogenerating, by table. */
  rows?: Record<string, Record<string, unknown>[]>;
  /** A query whose rows are checked after the upgrade and after the downgrade. */
  read?: {
    sql: string;
    afterUpgrade: Record<string, unknown>[];
    afterDowngrade: Record<string, unknown>[];
  };
}

const id = { type: "integer", primaryKey: true, autoIncrement: true } as const;

const CASES: GoldenCase[] = [
  {
    name: "rename_hints",
    before: {
      tables: {
        users: {
          columns: { id, name: { type: "text", nullable: false }, email: { type: "text" } },
        },
        posts: { columns: { id, title: { type: "text" } } },
      },
    },
    after: {
      tables: {
        users: {
          columns: { id, full_name: { type: "text", nullable: false }, email: { type: "text" } },
        },
        articles: { columns: { id, title: { type: "text" }, body: { type: "text" } } },
      },
    },
    hints: { renameTables: { posts: "articles" }, renameColumns: { users: { name: "full_name" } } },
  },
  {
    name: "data_loss",
    before: {
      tables: {
        users: {
          columns: {
            id,
            email: { type: "varchar(255)", nullable: false },
            legacy_flag: { type: "boolean", default: false },
            nickname: { type: "text" },
          },
        },
        audit_log: { columns: { id, at: { type: "timestamp" }, what: { type: "text" } } },
      },
    },
    after: {
      tables: {
        users: {
          columns: {
            id,
            email: { type: "varchar(100)", nullable: false },
            nickname: { type: "text", nullable: false, default: "anon" },
          },
        },
      },
    },
  },
  {
    name: "new_tables_with_foreign_key",
    before: { tables: { users: { columns: { id, email: { type: "text" } } } } },
    after: {
      enums: { order_state: ["open", "paid", "shipped"] },
      tables: {
        users: { columns: { id, email: { type: "text" } } },
        orders: {
          columns: {
            id,
            customer_id: { type: "integer", nullable: false },
            placed_by: { type: "integer", references: "users.id" },
            state: { type: "enum:order_state", nullable: false, default: "open" },
            total: { type: "numeric(10,2)", nullable: false, default: 0 },
          },
          foreignKeys: [{
            name: "fk_orders_customer",
            columns: ["customer_id"],
            references: "customers",
            refColumns: ["id"],
            onDelete: "cascade",
          }],
          checks: [{ name: "ck_orders_total", expr: "total >= 0" }],
          indexes: { ix_orders_customer: { columns: ["customer_id"] } },
          comment: "what customers bought",
        },
        customers: {
          columns: { id, email: { type: "varchar(255)", nullable: false, unique: true } },
        },
      },
    },
  },
  {
    name: "index_changes",
    before: {
      tables: {
        users: {
          columns: {
            id,
            email: { type: "text" },
            name: { type: "text" },
            deleted_at: { type: "timestamp" },
          },
          indexes: {
            ix_users_email: { columns: ["email"] },
            ix_users_name: { columns: ["name"] },
            ix_users_old: { columns: ["deleted_at"] },
          },
        },
      },
    },
    after: {
      tables: {
        users: {
          columns: {
            id,
            email: { type: "text" },
            name: { type: "text" },
            deleted_at: { type: "timestamp" },
          },
          indexes: {
            ix_users_email: { columns: ["email"], unique: true, where: "deleted_at IS NULL" },
            ix_users_name: { columns: ["name", "email"] },
            ix_users_deleted: { columns: ["deleted_at"] },
          },
        },
      },
    },
  },
  {
    name: "review_notes",
    before: {
      enums: { mood: ["happy", "sad"] },
      tables: {
        pairs: {
          columns: {
            a: { type: "integer", nullable: false },
            b: { type: "integer", nullable: false },
            m: { type: "enum:mood" },
          },
          primaryKey: ["a"],
        },
      },
    },
    after: {
      enums: { mood: ["happy", "sad"] },
      tables: {
        pairs: {
          columns: {
            a: { type: "integer", nullable: false },
            b: { type: "integer", nullable: false },
            m: { type: "enum:mood" },
          },
          primaryKey: ["a", "b"],
        },
      },
    },
    reviewOnly: true,
  },
  {
    name: "enum_value_added",
    before: {
      enums: { mood: ["sad", "happy"] },
      tables: { people: { columns: { id, mood: { type: "enum:mood", default: "happy" } } } },
    },
    after: {
      enums: { mood: ["awful", "sad", "ok", "happy", "great"] },
      tables: { people: { columns: { id, mood: { type: "enum:mood", default: "happy" } } } },
    },
    rows: { people: [{ id: 1, mood: "sad" }, { id: 2 }] },
    read: {
      sql: "SELECT id, mood FROM people ORDER BY id",
      afterUpgrade: [{ id: 1, mood: "sad" }, { id: 2, mood: "happy" }],
      afterDowngrade: [{ id: 1, mood: "sad" }, { id: 2, mood: "happy" }],
    },
  },
  {
    // A new column's default is the new value: PostgreSQL cannot use a value
    // addEnumValue added before the migration commits, so alterEnum there.
    name: "enum_value_added_and_used",
    before: {
      enums: { mood: ["sad", "happy"] },
      tables: { people: { columns: { id, name: { type: "text" } } } },
    },
    after: {
      enums: { mood: ["sad", "ok", "happy"] },
      tables: {
        people: {
          columns: {
            id,
            name: { type: "text" },
            mood: { type: "enum:mood", nullable: false, default: "ok" },
          },
        },
      },
    },
    rows: { people: [{ id: 1, name: "ann" }] },
    read: {
      sql: "SELECT id, name FROM people ORDER BY id",
      afterUpgrade: [{ id: 1, name: "ann" }],
      afterDowngrade: [{ id: 1, name: "ann" }],
    },
  },
  {
    name: "enum_value_removed",
    before: {
      enums: { state: ["draft", "legacy", "live"] },
      tables: {
        posts: {
          columns: {
            id,
            state: { type: "enum:state", nullable: false, default: "legacy" },
            old_state: { type: "enum:state" },
          },
        },
      },
    },
    after: {
      enums: { state: ["draft", "live"] },
      tables: {
        posts: {
          columns: { id, state: { type: "enum:state", nullable: false, default: "draft" } },
        },
      },
    },
    rows: { posts: [{ id: 1, state: "live", old_state: "legacy" }, { id: 2, state: "draft" }] },
    read: {
      sql: "SELECT id, state FROM posts ORDER BY id",
      afterUpgrade: [{ id: 1, state: "live" }, { id: 2, state: "draft" }],
      afterDowngrade: [{ id: 1, state: "live" }, { id: 2, state: "draft" }],
    },
  },
  {
    name: "enum_values_reordered",
    before: {
      enums: { size: ["small", "large", "medium"] },
      tables: { shirts: { columns: { id, size: { type: "enum:size" } } } },
    },
    after: {
      enums: { size: ["small", "medium", "large"] },
      tables: { shirts: { columns: { id, size: { type: "enum:size" } } } },
    },
    rows: {
      shirts: [{ id: 1, size: "large" }, { id: 2, size: "medium" }, { id: 3, size: "small" }],
    },
    read: {
      sql: "SELECT id, size FROM shirts ORDER BY id",
      afterUpgrade: [{ id: 1, size: "large" }, { id: 2, size: "medium" }, { id: 3, size: "small" }],
      afterDowngrade: [
        { id: 1, size: "large" },
        { id: 2, size: "medium" },
        { id: 3, size: "small" },
      ],
    },
  },
  {
    name: "enum_value_renamed",
    before: {
      enums: { mood: ["sad", "happy"] },
      tables: { people: { columns: { id, mood: { type: "enum:mood", default: "sad" } } } },
    },
    after: {
      enums: { mood: ["blue", "happy"] },
      tables: { people: { columns: { id, mood: { type: "enum:mood", default: "blue" } } } },
    },
    hints: { renameEnumValues: { mood: { sad: "blue" } } },
    rows: { people: [{ id: 1, mood: "sad" }, { id: 2, mood: "happy" }, { id: 3 }] },
    read: {
      sql: "SELECT id, mood FROM people ORDER BY id",
      afterUpgrade: [{ id: 1, mood: "blue" }, { id: 2, mood: "happy" }, { id: 3, mood: "blue" }],
      afterDowngrade: [{ id: 1, mood: "sad" }, { id: 2, mood: "happy" }, { id: 3, mood: "sad" }],
    },
  },
];

async function runCase(
  c: GoldenCase,
  dialect: "sqlite" | "postgres",
  url: string,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "strata-golden-autogen-" });
  try {
    const dbUrl = dialect === "sqlite" ? `sqlite:${join(dir, "db.sqlite")}` : url;
    const config = await resolveConfig({ url: dbUrl, dir: join(dir, "migrations") }, {}, dir);
    await Deno.mkdir(config.dir);
    const db = await openDriver(config.url!);
    const rows = Object.entries(c.rows ?? {}).map(([table, rows]): Change => ({
      kind: "bulkInsert",
      table,
      rows,
    }));
    await db.transaction((tx) =>
      applyChanges(tx, getDialect(dialect), [...declaredChanges(c.before), ...rows])
    );
    await db.close();
    const session = await AutogenSession.open(config);
    let text: string;
    try {
      const current = await session.current();
      const after = await session.declared(c.after, "schema.ts");
      const d = session.dialect;
      const differences = compareSchemas(current.schema, after.schema, {
        ...c.hints,
        declaredNames: after.declaredNames,
        declaredText: after.declaredText,
        normalizeExpr: d.autogen.normalizeExpr,
        implicitConstraintName: d.autogen.implicitConstraintName,
        enumValueUsableBeforeCommit:
          session.migrator.engine.capabilities.enumValueUsableBeforeCommit,
      });
      const bodies = renderMigrationBodies(orderedSteps(differences), {
        defaultSql: d.defaultSql,
        implicitConstraintName: d.autogen.implicitConstraintName,
      });
      text = renderMigration({
        revision: "a1b2c3d4e5f6",
        downRevision: null,
        message: c.name.replaceAll("_", " "),
        createDate: "2024-01-01T00:00:00.000Z",
        upgradeBody: bodies.upgradeBody,
        downgradeBody: bodies.downgradeBody,
      });
    } finally {
      await session.close();
    }
    // The migration runs: up to "after", down to "before".
    await Deno.writeTextFile(join(config.dir, "a1b2c3d4e5f6_case.ts"), text);
    const migrator = new Migrator(config);
    try {
      await migrator.upgrade("head");
    } finally {
      await migrator.close();
    }
    if (!c.reviewOnly) await expectNoDifferences(config, c.after, `${c.name}: after upgrade`);
    await expectRows(config, c.read?.sql, c.read?.afterUpgrade, `${c.name}: after upgrade`);
    const back = new Migrator(config);
    try {
      await back.downgrade("base");
    } finally {
      await back.close();
    }
    await expectNoDifferences(config, c.before, `${c.name}: after downgrade`);
    await expectRows(config, c.read?.sql, c.read?.afterDowngrade, `${c.name}: after downgrade`);
    return text;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function expectRows(
  config: Awaited<ReturnType<typeof resolveConfig>>,
  sql: string | undefined,
  expected: Record<string, unknown>[] | undefined,
  where: string,
) {
  if (sql === undefined) return;
  const db = await openDriver(config.url!);
  try {
    assert.deepEqual(await db.query(sql), expected, `${where}: rows`);
  } finally {
    await db.close();
  }
}

async function expectNoDifferences(
  config: Awaited<ReturnType<typeof resolveConfig>>,
  declared: DeclaredSchema,
  where: string,
) {
  const session = await AutogenSession.open(config);
  try {
    const current = await session.current();
    const normalized = await session.declared(declared, "schema.ts");
    const d = session.dialect;
    const diffs = compareSchemas(current.schema, normalized.schema, {
      declaredNames: normalized.declaredNames,
      declaredText: normalized.declaredText,
      normalizeExpr: d.autogen.normalizeExpr,
    });
    assert.deepEqual(diffs.flatMap((x) => x.messages), [], where);
  } finally {
    await session.close();
  }
}

for (const dialect of ["sqlite", "postgres"] as const) {
  Deno.test({
    name: `revision --autogenerate writes the pinned migration for hand-written cases (${dialect})`,
    ignore: dialect === "postgres" && !hasPg(),
    async fn(t) {
      const pg = dialect === "postgres" ? await createPgDatabase("golden") : undefined;
      try {
        for (const c of CASES) {
          await t.step(c.name, async () => {
            const text = await runCase(c, dialect, pg?.url ?? "");
            if (pg) {
              const db = await openDriver(pg.url);
              await db.execute({ sql: "DROP SCHEMA public CASCADE; CREATE SCHEMA public" });
              await db.close();
            }
            const path = join(GOLDEN_DIR, `${c.name}.${dialect}.ts`);
            if (UPDATE) {
              await Deno.mkdir(GOLDEN_DIR, { recursive: true });
              await Deno.writeTextFile(path, text);
              return;
            }
            const golden = await Deno.readTextFile(path).catch((e) => {
              if (e instanceof Deno.errors.NotFound) {
                throw new Error(
                  `Missing golden file ${path}: run with UPDATE_GOLDEN=1 to write it`,
                );
              }
              throw e;
            });
            assert.equal(text, golden, `${path} differs (UPDATE_GOLDEN=1 rewrites it)`);
          });
        }
      } finally {
        await pg?.drop();
      }
    },
  });
}
