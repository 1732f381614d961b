import assert from "node:assert/strict";
import { StrataError } from "../../errors.ts";
import { openTestDb, type TestDb } from "./_test_helpers.ts";
import { inline } from "./literal.ts";

const SHOP = `
CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, name TEXT, score INTEGER);
CREATE UNIQUE INDEX ux_customers_email ON customers (email);
CREATE INDEX ix_customers_name ON customers (name) WHERE name IS NOT NULL;
CREATE TABLE audit (msg TEXT);
CREATE TRIGGER tr_customers_ins AFTER INSERT ON customers BEGIN
  INSERT INTO audit (msg) VALUES ('new ' || NEW.email);
END;
CREATE TRIGGER tr_customers_score AFTER UPDATE OF score ON customers BEGIN
  INSERT INTO audit (msg) VALUES ('score ' || NEW.score);
END;
CREATE VIEW v_customers AS SELECT id, email FROM customers;
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL
  REFERENCES customers (id) ON DELETE CASCADE, total NUMERIC);
INSERT INTO customers (email, name, score) VALUES ('a@x', 'Ann', 1), ('b@x', NULL, 2), ('c@x', 'Cy', NULL);
DELETE FROM customers WHERE email = 'c@x';
INSERT INTO orders (customer_id, total) VALUES (1, 10), (1, 20), (2, 5);
DELETE FROM audit;`;

/** Runs `fn` in one transaction with foreign keys off, as the runner does for SQLite. */
async function migrate(t: TestDb, fn: (t: TestDb) => Promise<unknown>): Promise<void> {
  await t.exec("PRAGMA foreign_keys = OFF");
  try {
    await t.db.transaction(() => fn(t));
  } finally {
    await t.exec("PRAGMA foreign_keys = ON");
  }
}

/**
 * A transaction with foreign-key enforcement left ON, as a connection that
 * did not go through the driver's `transaction()` (which switches it off) has.
 */
async function enforcedTx<T>(t: TestDb, fn: () => Promise<T>): Promise<T> {
  await t.exec("BEGIN");
  try {
    const result = await fn();
    await t.exec("COMMIT");
    return result;
  } catch (e) {
    await t.exec("ROLLBACK");
    throw e;
  }
}

async function snapshot(t: TestDb) {
  return {
    sql: await t.rows("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"),
    customers: await t.rows("SELECT * FROM customers ORDER BY id"),
    orders: await t.rows("SELECT * FROM orders ORDER BY id"),
  };
}

Deno.test("rebuildTable() keeps rows, indexes, triggers, views and child foreign keys", async () => {
  const t = await openTestDb(SHOP);
  try {
    const before = await t.rows("SELECT id, email, name, score FROM customers ORDER BY id");
    await migrate(
      t,
      () =>
        t.op().alterColumn("customers", "score", { type: "bigint", nullable: false, default: 0 }),
    );
    const table = await t.table("customers");
    assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.nullable, c.default]), [
      ["id", "integer", false, null],
      ["email", "text", false, null],
      ["name", "text", true, null],
      ["score", "bigint", false, "0"],
    ]);
    assert.equal(table.columns[0]?.autoIncrement, true);
    assert.deepEqual(table.indexes, [
      { name: "ix_customers_name", columns: ["name"], unique: false, where: "name IS NOT NULL" },
      { name: "ux_customers_email", columns: ["email"], unique: true, where: null },
    ]);
    assert.deepEqual(
      await t.rows("SELECT id, email, name, score FROM customers ORDER BY id"),
      before,
    );
    const objects = await t.rows(
      "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name",
    );
    assert.deepEqual(objects.map((o) => o.name), [
      "tr_customers_ins",
      "tr_customers_score",
      "v_customers",
    ]);
    assert.equal(
      (await t.rows("SELECT name FROM sqlite_master WHERE name LIKE '_strata%'")).length,
      0,
    );

    // AUTOINCREMENT keeps its high-water mark: id 3 was used and deleted.
    await t.exec("INSERT INTO customers (email) VALUES ('d@x')");
    assert.deepEqual(await t.rows("SELECT id FROM customers WHERE email = 'd@x'"), [{ id: 4 }]);
    assert.deepEqual(await t.rows("SELECT msg FROM audit"), [{ msg: "new d@x" }]);
    assert.deepEqual(await t.rows("SELECT count(*) AS n FROM v_customers"), [{ n: 3 }]);
    // The child still references the rebuilt table, with its actions.
    assert.deepEqual(await t.rows("SELECT * FROM pragma_foreign_key_check"), []);
    await assert.rejects(
      async () => await t.exec("INSERT INTO orders (customer_id, total) VALUES (99, 1)"),
      /FOREIGN KEY constraint failed/,
    );
    await t.exec("DELETE FROM customers WHERE id = 1");
    assert.deepEqual(await t.rows("SELECT customer_id FROM orders"), [{ customer_id: 2 }]);
    await assert.rejects(
      async () => await t.exec("INSERT INTO customers (email) VALUES ('b@x')"),
      /UNIQUE constraint failed/,
    );
  } finally {
    await t.db.close();
  }
});

Deno.test("rebuildTable() keeps the child's own foreign keys and rowids", async () => {
  const t = await openTestDb(SHOP);
  try {
    await t.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x'), ('y'), ('z')");
    await t.exec("DELETE FROM notes WHERE body = 'y'");
    await migrate(t, async () => {
      await t.op().createCheckConstraint("ck_total", "orders", "total >= 0");
      await t.op().alterColumn("notes", "body", { nullable: false });
    });
    const orders = await t.table("orders");
    assert.deepEqual(orders.foreignKeys.map((f) => [f.columns, f.refTable, f.onDelete]), [
      [["customer_id"], "customers", "cascade"],
    ]);
    assert.deepEqual(orders.checks, [{ name: "ck_total", expr: "total >= 0" }]);
    assert.deepEqual(await t.rows("SELECT rowid, body FROM notes"), [
      { rowid: 1, body: "x" },
      { rowid: 3, body: "z" },
    ]);
    await assert.rejects(
      async () => await t.exec("INSERT INTO orders (customer_id, total) VALUES (1, -1)"),
      /CHECK constraint failed: ck_total/,
    );
  } finally {
    await t.db.close();
  }
});

Deno.test("rebuildTable() rolled back with its transaction leaves the table as it was", async () => {
  const t = await openTestDb(SHOP);
  try {
    const before = await snapshot(t);
    await assert.rejects(
      () =>
        migrate(t, async () => {
          await t.op().dropColumn("customers", "email", { cascade: true });
          throw new Error("later step fails");
        }),
      /later step fails/,
    );
    assert.deepEqual(await snapshot(t), before);
  } finally {
    await t.db.close();
  }
});

Deno.test("dropColumn refuses a column that indexes and triggers use; cascade drops them with a warning", async () => {
  const t = await openTestDb(SHOP);
  try {
    const before = await snapshot(t);
    await assert.rejects(
      () => migrate(t, () => t.op().dropColumn("customers", "score")),
      (e: unknown) =>
        e instanceof StrataError &&
        e.message ===
          'Cannot drop column "customers.score": used by trigger "tr_customers_score"' &&
        /cascade: true/.test(e.hint ?? ""),
    );
    assert.deepEqual(await snapshot(t), before);
    await migrate(t, () => t.op().dropColumn("customers", "score", { cascade: true }));
    assert.deepEqual(t.warnings, [
      'dropping column "customers.score" also drops trigger "tr_customers_score" (cascade: true)',
    ]);
    const table = await t.table("customers");
    assert.deepEqual(table.columns.map((c) => c.name), ["id", "email", "name"]);
    const names = await t.rows(
      "SELECT name FROM sqlite_master WHERE tbl_name = 'customers' AND sql IS NOT NULL ORDER BY name",
    );
    assert.deepEqual(names.map((n) => n.name), [
      "customers",
      "ix_customers_name",
      "tr_customers_ins",
      "ux_customers_email",
    ]);
    await migrate(t, () => t.op().dropColumn("customers", "email", { cascade: true }));
    assert.equal(
      t.warnings[1],
      'dropping column "customers.email" also drops index "ux_customers_email", ' +
        'trigger "tr_customers_ins", view "v_customers" (cascade: true)',
    );
    assert.deepEqual((await t.table("customers")).indexes.map((i) => i.name), [
      "ix_customers_name",
    ]);
    assert.deepEqual(await t.rows("SELECT id, name FROM customers ORDER BY id"), [
      { id: 1, name: "Ann" },
      { id: 2, name: null },
    ]);
  } finally {
    await t.db.close();
  }
});

Deno.test("rebuildTable() refuses a referenced table while foreign keys are enforced", async () => {
  const t = await openTestDb(SHOP);
  try {
    const before = await snapshot(t);
    const err = await enforcedTx(
      t,
      () =>
        t.op().alterColumn("customers", "name", { type: "varchar(20)" }).then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
    assert.ok(err instanceof StrataError);
    assert.match(err.message, /foreign keys are enforced: rows of "orders" reference it/);
    assert.match(err.hint ?? "", /PRAGMA foreign_keys=OFF/);
    assert.deepEqual(await snapshot(t), before);
    // Without child rows pointing at it, the table rebuilds with enforcement on.
    await t.exec("CREATE TABLE o2 AS SELECT * FROM orders");
    await t.exec("DELETE FROM orders");
    await enforcedTx(t, () => t.op().alterColumn("customers", "name", { type: "varchar(20)" }));
    assert.equal((await t.table("customers")).columns[2]?.type, "varchar(20)");
    await t.exec("INSERT INTO orders SELECT * FROM o2");
    assert.deepEqual(await t.rows("SELECT * FROM pragma_foreign_key_check"), []);
    // An unreferenced table rebuilds with enforcement on.
    await enforcedTx(t, () => t.op().alterColumn("orders", "total", { type: "numeric(10,2)" }));
    assert.equal((await t.table("orders")).columns[2]?.type, "numeric(10,2)");
    assert.deepEqual(await t.rows("SELECT count(*) AS n FROM orders"), [{ n: 3 }]);
  } finally {
    await t.db.close();
  }
});

Deno.test("alterColumn nullable false fails cleanly when the column holds NULLs", async () => {
  const t = await openTestDb(SHOP);
  try {
    const before = await snapshot(t);
    await assert.rejects(
      () => migrate(t, () => t.op().alterColumn("customers", "name", { nullable: false })),
      (e: unknown) =>
        e instanceof StrataError &&
        e.message === 'Cannot make column "customers.name" NOT NULL: 1 row holds NULL',
    );
    assert.deepEqual(await snapshot(t), before);
  } finally {
    await t.db.close();
  }
});

Deno.test("rebuildTable() leaves foreign-key orphans it found alone and fails on ones it adds", async () => {
  const t = await openTestDb(SHOP);
  try {
    await t.exec("PRAGMA foreign_keys = OFF; INSERT INTO orders (customer_id) VALUES (42)");
    await migrate(t, () => t.op().alterColumn("orders", "total", { type: "real" }));
    assert.equal((await t.table("orders")).columns[2]?.type, "real");
    assert.deepEqual(await t.rows("SELECT count(*) AS n FROM pragma_foreign_key_check"), [{
      n: 1,
    }]);
    // A new foreign key over rows that break it is a violation this rebuild introduces.
    await t.exec("CREATE TABLE regions (id INTEGER PRIMARY KEY)");
    await t.exec(
      "ALTER TABLE customers ADD COLUMN region_id INTEGER; UPDATE customers SET region_id = 7",
    );
    const before = await snapshot(t);
    await assert.rejects(
      () =>
        migrate(
          t,
          () => t.op().createForeignKey("fk_region", "customers", ["region_id"], "regions", ["id"]),
        ),
      /CHECK constraint failed: rebuilding customers introduced foreign-key violations/,
    );
    assert.deepEqual(await snapshot(t), before);
  } finally {
    await t.db.close();
  }
});

Deno.test("alterColumn with rename and type rebuilds, then renames natively", async () => {
  const t = await openTestDb(SHOP);
  try {
    await migrate(
      t,
      () => t.op().alterColumn("customers", "name", { type: "varchar(40)", rename: "full_name" }),
    );
    const table = await t.table("customers");
    assert.deepEqual(table.columns[2], {
      name: "full_name",
      type: "varchar(40)",
      nullable: true,
      default: null,
      autoIncrement: false,
      comment: null,
    });
    assert.deepEqual(table.indexes[0], {
      name: "ix_customers_name",
      columns: ["full_name"],
      unique: false,
      where: "full_name IS NOT NULL",
    });
    assert.equal(t.log.at(-1)?.sql, "ALTER TABLE customers RENAME COLUMN name TO full_name");
  } finally {
    await t.db.close();
  }
});

Deno.test("dropConstraint names a missing constraint in its error", async () => {
  const t = await openTestDb(SHOP);
  try {
    await assert.rejects(
      () => t.op().dropConstraint("nope", "orders"),
      /Cannot drop constraint "nope" on table "orders": no such constraint/,
    );
    await assert.rejects(
      () => t.op().alterColumn("missing", "x", { nullable: true }),
      /Cannot alter table "missing": no such table/,
    );
  } finally {
    await t.db.close();
  }
});

Deno.test("rebuildTable() statements inlined for an offline script do what the live run does", async () => {
  const replay = await openTestDb(SHOP);
  const target = await openTestDb(SHOP);
  try {
    await migrate(replay, async () => {
      await replay.op().addColumn("customers", "tier", { type: "smallint", unique: true });
      await replay.op().execute("UPDATE customers SET tier = id + ?", [10]);
      await replay.op().alterColumn("customers", "email", { type: "varchar(120)" });
      await replay.op().dropColumn("customers", "score", { cascade: true });
    });
    const script = replay.log.flatMap(inline).map((s) => s + ";\n").join("");
    assert.match(
      script,
      /INSERT INTO sqlite_sequence \(name, seq\) SELECT 'customers', seq FROM sqlite_sequence WHERE name = '_strata_old_customers'/,
    );
    await target.exec(
      `PRAGMA foreign_keys = OFF; BEGIN; ${script} COMMIT; PRAGMA foreign_keys = ON;`,
    );
    assert.deepEqual(await target.table("customers"), await replay.table("customers"));
    assert.deepEqual(await snapshot(target), await snapshot(replay));
  } finally {
    await replay.db.close();
    await target.db.close();
  }
});

Deno.test("rebuildTable() keeps a self-referencing table's rows and key", async () => {
  const t = await openTestDb(`CREATE TABLE nodes (id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES nodes (id) ON DELETE CASCADE, label TEXT);
    INSERT INTO nodes VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b');`);
  try {
    // Enforced, the old table's DROP would cascade into the new one (its child until renamed).
    await assert.rejects(
      () => enforcedTx(t, () => t.op().alterColumn("nodes", "label", { nullable: false })),
      /rows of "nodes" reference it/,
    );
    await migrate(t, () => t.op().alterColumn("nodes", "label", { nullable: false }));
    assert.deepEqual(await t.rows("SELECT id, parent_id FROM nodes ORDER BY id"), [
      { id: 1, parent_id: null },
      { id: 2, parent_id: 1 },
      { id: 3, parent_id: 2 },
    ]);
    assert.deepEqual((await t.table("nodes")).foreignKeys.map((f) => [f.refTable, f.onDelete]), [
      ["nodes", "cascade"],
    ]);
    await t.exec("DELETE FROM nodes WHERE id = 1");
    assert.deepEqual(await t.rows("SELECT count(*) AS n FROM nodes"), [{ n: 0 }]);
  } finally {
    await t.db.close();
  }
});
