import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { exprUses, readObject, tablesRead, usesColumn } from "./_deps.ts";

/**
 * Tables, then objects that use or merely mention their columns. The oracle
 * is SQLite itself: `ALTER TABLE t RENAME COLUMN c TO …` rewrites exactly the
 * objects whose references resolve to `t.c` (sqlite.org/lang_altertable.html),
 * so an object whose text changes uses the column.
 */
const TABLES = `
CREATE TABLE orders (id INTEGER PRIMARY KEY, state TEXT, status TEXT, note TEXT, customer_id INTEGER);
CREATE TABLE order_log (id INTEGER PRIMARY KEY, order_id INTEGER, status TEXT, at TEXT);
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, status TEXT);
`;

const OBJECTS = [
  // Indexes: the name is not a reference; expressions and predicates are.
  "CREATE INDEX status ON orders (state)",
  "CREATE INDEX ix_note ON orders (lower(note)) WHERE status IS NOT NULL",
  'CREATE INDEX ix_quoted ON orders ("status" COLLATE NOCASE DESC)',
  "CREATE INDEX ix_log ON order_log (status)",
  // Triggers on orders: new./old., UPDATE OF, INSERT column lists of other tables.
  `CREATE TRIGGER tr_log AFTER UPDATE OF state ON orders BEGIN
     INSERT INTO order_log (order_id, status, at) VALUES (new.id, new.state, 'status');
   END`,
  `CREATE TRIGGER tr_status AFTER UPDATE OF status ON orders BEGIN
     SELECT 1;
   END`,
  `CREATE TRIGGER tr_when AFTER INSERT ON orders WHEN new.status = 'x' BEGIN
     DELETE FROM order_log WHERE order_id = new.id;
   END`,
  `CREATE TRIGGER tr_old AFTER DELETE ON orders BEGIN
     UPDATE order_log SET status = old.note WHERE order_id = old.id;
   END`,
  // Triggers on other tables that read or write orders.
  `CREATE TRIGGER tr_touch AFTER INSERT ON order_log BEGIN
     UPDATE orders SET status = new.status WHERE id = new.order_id;
   END`,
  `CREATE TRIGGER tr_read AFTER INSERT ON order_log BEGIN
     UPDATE customers SET name = (SELECT o.note FROM orders AS o WHERE o.id = new.order_id);
   END`,
  `CREATE TRIGGER tr_where AFTER INSERT ON customers BEGIN
     DELETE FROM orders WHERE status = 'gone' AND customer_id = new.id;
   END`,
  `CREATE TRIGGER tr_insert AFTER INSERT ON customers BEGIN
     INSERT INTO orders (customer_id, note) VALUES (new.id, new.status);
   END`,
  // Views: aliases, qualified names, joins, subqueries that shadow, CTEs, USING.
  "CREATE VIEW v_alias AS SELECT o.id, o.state AS status FROM orders AS o",
  "CREATE VIEW v_implicit AS SELECT state status, note FROM orders",
  "CREATE VIEW v_qualified AS SELECT x.status FROM orders x",
  "CREATE VIEW v_join AS SELECT o.id, c.status FROM orders o JOIN customers c ON c.id = o.customer_id",
  "CREATE VIEW v_where AS SELECT id FROM orders WHERE status = 'paid'",
  `CREATE VIEW v_sub AS SELECT id FROM orders
     WHERE customer_id IN (SELECT id FROM customers WHERE status = 'vip')`,
  "CREATE VIEW v_cte AS WITH l AS (SELECT order_id, status FROM order_log) SELECT * FROM l",
  "CREATE VIEW v_cte2 AS WITH o AS (SELECT id, note FROM orders) SELECT note FROM o",
  "CREATE VIEW v_string AS SELECT 'status' AS s, \"note\" FROM orders -- status in a comment",
  "CREATE VIEW v_using AS SELECT orders.id FROM orders JOIN order_log USING (status)",
  "CREATE VIEW v_count AS SELECT count(*) n, max(note) AS status FROM orders GROUP BY state",
  "CREATE VIEW v_star AS SELECT * FROM orders",
];

const COLUMNS: [string, string][] = [
  ["orders", "state"],
  ["orders", "status"],
  ["orders", "note"],
  ["orders", "customer_id"],
  ["order_log", "status"],
  ["customers", "status"],
  ["customers", "name"],
];

/**
 * The objects SQLite rewrites when `table.column` is renamed. An object it
 * cannot rewrite (`JOIN … USING (col)` when only one side's column changes)
 * makes the rename fail naming it: that object uses the column too; it is
 * dropped inside the probe and the rename tried again.
 */
function oracle(db: DatabaseSync, table: string, column: string): Set<string> {
  const read = () =>
    new Map(
      (db.prepare("SELECT name, sql FROM sqlite_master WHERE type <> 'table'").all() as {
        name: string;
        sql: string;
      }[]).map((r) => [r.name, r.sql]),
    );
  const before = read();
  const users = new Set<string>();
  db.exec("SAVEPOINT probe");
  try {
    for (;;) {
      try {
        db.exec(`ALTER TABLE ${table} RENAME COLUMN ${column} TO zz_probe_zz`);
        break;
      } catch (e) {
        const m = /error in (view|trigger) (\w+)/.exec(String(e));
        if (!m) throw e;
        users.add(m[2]!);
        db.exec(`DROP ${m[1]} ${m[2]}`);
      }
    }
    const after = read();
    for (const [name, sql] of before) {
      if (after.has(name) && after.get(name) !== sql) users.add(name);
    }
  } finally {
    db.exec("ROLLBACK TO probe; RELEASE probe");
  }
  return users;
}

Deno.test("usesColumn() agrees with SQLite's own RENAME COLUMN on which objects use a column", () => {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec(TABLES);
    for (const sql of OBJECTS) db.exec(sql);
    const columns = new Map<string, Set<string>>();
    for (const t of ["orders", "order_log", "customers"]) {
      const rows = db.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as {
        name: string;
      }[];
      columns.set(t, new Set(rows.map((r) => r.name)));
    }
    const columnsOf = (t: string) => columns.get(t.toLowerCase());
    const objects = db.prepare("SELECT name, sql FROM sqlite_master WHERE type <> 'table'")
      .all() as { name: string; sql: string }[];
    let compared = 0;
    for (const [table, column] of COLUMNS) {
      const expected = oracle(db, table, column);
      const found = new Set(
        objects.filter((o) => usesColumn(readObject(o.sql), table, column, columnsOf)).map((o) =>
          o.name
        ),
      );
      assert.deepEqual(
        [...found].sort(),
        [...expected].sort(),
        `objects using ${table}.${column}`,
      );
      compared += objects.length;
    }
    assert.equal(compared, COLUMNS.length * OBJECTS.length);
  } finally {
    db.close();
  }
});

Deno.test("usesColumn() keeps the index named like a column and the trigger writing another table's column", () => {
  const none = () => undefined;
  const ix = readObject("CREATE INDEX status ON orders (state)");
  assert.equal(usesColumn(ix, "orders", "status", none), false);
  assert.equal(usesColumn(ix, "orders", "state", none), true);
  const tr = readObject(
    `CREATE TRIGGER tr AFTER UPDATE ON orders BEGIN
       INSERT INTO order_log (status) VALUES (new.state); END`,
  );
  assert.equal(usesColumn(tr, "orders", "status", none), false);
  assert.equal(usesColumn(tr, "order_log", "status", none), true);
  assert.equal(usesColumn(tr, "orders", "state", none), true);
});

Deno.test("usesColumn() counts an unqualified name it cannot place as a use (conservative)", () => {
  // `status` may be v's or orders' column: without v's columns, assume orders'.
  const view = readObject("CREATE VIEW w AS SELECT status FROM orders, v");
  assert.equal(usesColumn(view, "orders", "status", () => undefined), true);
  const known = (t: string) => (t === "v" ? new Set(["status"]) : undefined);
  assert.equal(usesColumn(view, "orders", "status", known), true); // orders is in scope itself
  const inner = readObject(
    "CREATE VIEW w AS SELECT id FROM orders WHERE id IN (SELECT id FROM v WHERE status = 1)",
  );
  assert.equal(usesColumn(inner, "orders", "status", known), false); // v has it: resolved there
  assert.equal(usesColumn(inner, "orders", "status", () => undefined), true);
});

Deno.test("tablesRead() and exprUses() read names, not text", () => {
  const tr = readObject(
    `CREATE TRIGGER t AFTER INSERT ON a BEGIN
       INSERT INTO b (x) SELECT y FROM c JOIN main.d ON 1; UPDATE e SET z = 1; END`,
  );
  assert.deepEqual(tablesRead(tr).sort(), ["a", "b", "c", "d", "e"]);
  assert.equal(exprUses("length(status) > 0", "status"), true);
  assert.equal(exprUses("state = 'status'", "status"), false);
  assert.equal(exprUses("status(x) > 0", "status"), false);
  assert.equal(exprUses('"Status" IS NOT NULL', "status"), true);
});
