/**
 * SQLite table rebuilds change exactly what a change asks for (issue 9.2)
 * and several changes of one table make one copy (issue 12.5).
 *
 * The fixture has what rebuilds used to lose: `PRIMARY KEY … ON CONFLICT
 * REPLACE`, `UNIQUE … ON CONFLICT IGNORE`, a `DEFERRABLE INITIALLY DEFERRED`
 * foreign key, COLLATE clauses, a comment, a generated column, a STRICT and a
 * WITHOUT ROWID table, AUTOINCREMENT with a deleted top row, views, triggers
 * on the table and on other tables, a partial expression index, an index
 * NAMED like a column, foreign keys in and out, and a row that already
 * breaks a foreign key. For each kind of change that rebuilds (and the
 * native ones next to them), every `sqlite_master` text and every row
 * (rowids and `sqlite_sequence` included) is compared before and after:
 * everything must be as it was except the part the change asked to change.
 * The same migration written with `--sql` and run by `sqlite3 -bail` must
 * give the same `sqlite_master` and rows as the live run.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { resolveConfig } from "../src/config/resolve.ts";
import { getDialect } from "../src/dialects/registry.ts";
import type { Queryable, Statement } from "../src/drivers/driver.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { Migrator } from "../src/runner/migrator.ts";
import { runStep } from "../src/apply/step.ts";
import { runOffline } from "../src/offline/run_offline.ts";
import { makeProject, migrationSource } from "./_helpers.ts";

const FIXTURE = `
CREATE TABLE regions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL COLLATE NOCASE UNIQUE ON CONFLICT IGNORE,
  name TEXT,
  region_id INTEGER
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY ON CONFLICT REPLACE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  state TEXT NOT NULL DEFAULT 'new' COLLATE NOCASE,
  status TEXT,
  total NUMERIC CHECK (total >= 0), -- in currency units
  note TEXT COLLATE RTRIM,
  code TEXT,
  total_cents INTEGER GENERATED ALWAYS AS (CAST(total * 100 AS INTEGER)) VIRTUAL,
  CONSTRAINT uq_orders_code UNIQUE (code) ON CONFLICT IGNORE,
  CONSTRAINT ck_state CHECK (state IN ('new', 'paid', 'shipped'))
);
CREATE TABLE order_log (
  id INTEGER PRIMARY KEY,
  order_id INTEGER REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  status TEXT,
  at TEXT
);
CREATE TABLE st (a TEXT, b INTEGER, c ANY) STRICT;
CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE INDEX status ON orders (state);
CREATE INDEX ix_orders_note ON orders (lower(note)) WHERE note IS NOT NULL;
CREATE UNIQUE INDEX ux_orders_customer_code ON orders (customer_id, code);
CREATE TRIGGER tr_orders_log AFTER UPDATE OF state ON orders BEGIN
  INSERT INTO order_log (order_id, status, at) VALUES (new.id, new.state, 'now');
END;
CREATE TRIGGER tr_log_touch AFTER INSERT ON order_log BEGIN
  UPDATE orders SET note = note WHERE id = new.order_id;
END;
CREATE VIEW v_orders AS SELECT o.id, o.state AS status, c.email
  FROM orders AS o JOIN customers AS c ON c.id = o.customer_id;
CREATE VIEW v_paid AS SELECT id, total FROM orders WHERE state = 'paid';
INSERT INTO regions VALUES (1, 'north');
INSERT INTO customers (email, name, region_id) VALUES ('a@x', 'Ann', 1), ('b@x', NULL, 1), ('c@x', 'Cy', NULL);
DELETE FROM customers WHERE email = 'c@x';
INSERT INTO orders (id, customer_id, state, status, total, note, code) VALUES
  (1, 1, 'new', 'open', 10, 'first ', 'A1'),
  (2, 1, 'paid', 'open', 20.5, NULL, 'A2'),
  (3, 2, 'shipped', 'done', 0, 'third', NULL);
INSERT INTO order_log (order_id, status, at) VALUES (1, 'new', 'then');
INSERT INTO st VALUES ('x', 1, 1.5), ('y', 2, 'z');
INSERT INTO kv VALUES ('k1', x'01'), ('k2', x'02');
`;

/** Added outside Strata after the fixture: a row that already breaks a foreign key. */
const ORPHAN = "PRAGMA foreign_keys = OFF; " +
  "INSERT INTO order_log (id, order_id, status, at) VALUES (9, 999, 'lost', 'then');";

type Row = Record<string, unknown>;

/** What is compared: user objects' text, and every row with its rowid. */
interface Snapshot {
  master: Map<string, string>;
  rows: Map<string, Row[]>;
}

function read(db: DatabaseSync): Snapshot {
  const master = new Map<string, string>();
  const objects = db.prepare(
    "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL " +
      "AND name NOT LIKE 'strata\\_%' ESCAPE '\\' ORDER BY type, name",
  ).all() as { type: string; name: string; sql: string }[];
  for (const o of objects) master.set(`${o.type} ${o.name}`, o.sql);
  const rows = new Map<string, Row[]>();
  for (const o of objects.filter((o) => o.type === "table")) {
    // sqlite_sequence rows are rewritten by design; their content is what counts.
    const noRowid = /WITHOUT ROWID\s*$/i.test(o.sql) || o.name === "sqlite_sequence";
    const sql = noRowid
      ? `SELECT * FROM "${o.name}" ORDER BY 1`
      : `SELECT rowid AS _rowid, * FROM "${o.name}" ORDER BY rowid`;
    const all = db.prepare(sql).all().map((r) => ({ ...r }));
    // Strata's own history table counts in sqlite_sequence: not the user's data.
    rows.set(
      o.name,
      o.name === "sqlite_sequence" ? all.filter((r) => !String(r.name).startsWith("strata_")) : all,
    );
  }
  return { master, rows };
}

function snapshot(path: string): Snapshot {
  const db = new DatabaseSync(path);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The fixture's snapshot after `sql` (SQLite's own ALTER TABLE), computed in memory. */
function nativeOracle(sql: string): Snapshot {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec(FIXTURE);
    db.exec(ORPHAN);
    db.exec(sql);
    return read(db);
  } finally {
    db.close();
  }
}

function exec(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Replaces `from` by `to`, asserting `from` occurs exactly once. */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `"${from}" once in ${text}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** One kind of change and what it may change. */
interface Case {
  name: string;
  /** The body of the migration's `upgrade(op)`. */
  body: string;
  /** The expected result is SQLite's own native statement on the fixture. */
  native?: string;
  /** Or: the altered table and the edits of its text (from → to, each exactly once). */
  table?: string;
  edits?: [string, string][];
  /** Objects (`type name`) a cascade removes. */
  gone?: string[];
  /** The expected rows of the altered table. */
  rows?: (row: Row) => Row;
}

const CASES: Case[] = [
  {
    name: "alterColumn type keeps COLLATE",
    body: `await op.alterColumn("orders", "note", { type: "varchar(200)" });`,
    table: "orders",
    edits: [["note TEXT COLLATE RTRIM", "note VARCHAR(200) COLLATE RTRIM"]],
  },
  {
    name: "alterColumn nullable false",
    body: `await op.alterColumn("orders", "status", { nullable: false });`,
    table: "orders",
    edits: [["status TEXT,", "status TEXT NOT NULL,"]],
  },
  {
    name: "alterColumn nullable true keeps a DEFERRABLE foreign key",
    body: `await op.alterColumn("orders", "customer_id", { nullable: true });`,
    table: "orders",
    edits: [["customer_id INTEGER NOT NULL REFERENCES", "customer_id INTEGER REFERENCES"]],
  },
  {
    name: "alterColumn default set",
    body: `await op.alterColumn("orders", "code", { default: "none" });`,
    table: "orders",
    edits: [["code TEXT,", "code TEXT DEFAULT 'none',"]],
  },
  {
    name: "alterColumn default changed in place",
    body: `await op.alterColumn("orders", "state", { default: "paid" });`,
    table: "orders",
    edits: [["DEFAULT 'new' COLLATE", "DEFAULT 'paid' COLLATE"]],
  },
  {
    name: "alterColumn default dropped",
    body: `await op.alterColumn("orders", "state", { default: null });`,
    table: "orders",
    edits: [[" DEFAULT 'new' COLLATE", " COLLATE"]],
  },
  {
    name: "alterColumn rename is SQLite's own RENAME COLUMN",
    body: `await op.alterColumn("orders", "status", { rename: "phase" });`,
    native: "ALTER TABLE orders RENAME COLUMN status TO phase",
  },
  {
    name: "alterColumn type and rename: one rebuild, then SQLite's rename",
    body: `await op.alterColumn("orders", "note", { type: "varchar(200)", rename: "memo" });`,
    native: "ALTER TABLE orders RENAME COLUMN note TO memo",
    table: "orders",
    edits: [["memo TEXT COLLATE RTRIM", "memo VARCHAR(200) COLLATE RTRIM"]],
  },
  {
    name: "dropColumn of a column only mentioned by name is SQLite's own DROP COLUMN",
    body: `await op.dropColumn("orders", "status");`,
    native: "ALTER TABLE orders DROP COLUMN status",
  },
  {
    name: "dropColumn with cascade rebuilds without its index and own constraint",
    body: `await op.dropColumn("orders", "code", { cascade: true });`,
    table: "orders",
    edits: [
      ["\n  code TEXT,", ""],
      [",\n  CONSTRAINT uq_orders_code UNIQUE (code) ON CONFLICT IGNORE", ""],
    ],
    gone: ["index ux_orders_customer_code"],
    rows: ({ code: _, ...row }) => row,
  },
  {
    name: "createForeignKey keeps AUTOINCREMENT's high-water mark",
    body:
      `await op.createForeignKey("fk_customers_region", "customers", ["region_id"], "regions", ["id"]);`,
    table: "customers",
    edits: [[
      "region_id INTEGER\n)",
      "region_id INTEGER,\n  CONSTRAINT fk_customers_region FOREIGN KEY (region_id) REFERENCES regions (id)\n)",
    ]],
  },
  {
    name: "createUniqueConstraint",
    body: `await op.createUniqueConstraint("uq_orders_note", "orders", ["note"]);`,
    table: "orders",
    edits: [[
      "'shipped'))\n)",
      "'shipped')),\n  CONSTRAINT uq_orders_note UNIQUE (note)\n)",
    ]],
  },
  {
    name: "createCheckConstraint",
    body: `await op.createCheckConstraint("ck_total_max", "orders", "total < 1000000");`,
    table: "orders",
    edits: [[
      "'shipped'))\n)",
      "'shipped')),\n  CONSTRAINT ck_total_max CHECK (total < 1000000)\n)",
    ]],
  },
  {
    name: "dropConstraint of a CHECK",
    body: `await op.dropConstraint("ck_state", "orders");`,
    table: "orders",
    edits: [[",\n  CONSTRAINT ck_state CHECK (state IN ('new', 'paid', 'shipped'))", ""]],
  },
  {
    name: "dropConstraint of a UNIQUE ON CONFLICT IGNORE",
    body: `await op.dropConstraint("uq_orders_code", "orders");`,
    table: "orders",
    edits: [["\n  CONSTRAINT uq_orders_code UNIQUE (code) ON CONFLICT IGNORE,", ""]],
  },
  {
    name: "addColumn that rebuilds goes after the last column",
    body: `await op.addColumn("orders", "tag", { type: "text", unique: true });`,
    table: "orders",
    edits: [["VIRTUAL,\n", "VIRTUAL,\n  tag TEXT UNIQUE,\n"]],
    rows: (row) => ({ ...row, tag: null }),
  },
  {
    name: "alterColumn on a STRICT table uses STRICT's type names",
    body: `await op.alterColumn("st", "b", { type: "text" });
      await op.alterColumn("st", "a", { type: "varchar(20)", nullable: false });`,
    table: "st",
    edits: [["a TEXT, b INTEGER", "a TEXT NOT NULL, b TEXT"]],
    rows: (row) => ({ ...row, b: String(row.b) }),
  },
  {
    name: "alterColumn on a WITHOUT ROWID table",
    body: `await op.alterColumn("kv", "v", { nullable: false });`,
    table: "kv",
    edits: [["v BLOB)", "v BLOB NOT NULL)"]],
  },
  {
    name: "alterColumn type of the rowid alias keeps it INTEGER",
    body: `await op.alterColumn("regions", "id", { type: "bigint" });`,
    table: "regions",
    edits: [],
  },
];

/** The snapshot a case expects, from the fixture's. */
function expected(c: Case, before: Snapshot): Snapshot {
  const base = c.native ? nativeOracle(c.native) : before;
  const master = new Map(base.master);
  const rows = new Map(base.rows);
  if (c.table) {
    const key = `table ${c.table}`;
    let text = master.get(key) ?? "";
    for (const [from, to] of c.edits ?? []) text = replaceOnce(text, from, to);
    master.set(key, text);
    if (c.rows) rows.set(c.table, (rows.get(c.table) ?? []).map(c.rows));
  }
  for (const g of c.gone ?? []) assert.ok(master.delete(g), `${g} exists before`);
  return { master, rows };
}

function assertSnapshot(actual: Snapshot, want: Snapshot, what: string): void {
  assert.deepEqual(Object.fromEntries(actual.master), Object.fromEntries(want.master), what);
  assert.deepEqual(Object.fromEntries(actual.rows), Object.fromEntries(want.rows), what);
}

/** A project whose `a1` creates the fixture and whose `b2` is the case. */
async function project(body: string) {
  return await makeProject({
    "a1_fixture.ts": migrationSource("a1", null, `await op.execute(${JSON.stringify(FIXTURE)});`),
    "b2_change.ts": migrationSource("b2", "a1", body),
  });
}

async function migrator(dir: string, url: string | undefined, warnings: string[] = []) {
  const config = await resolveConfig(
    { ...(url ? { url } : {}), dir: join(dir, "migrations") },
    {},
    dir,
  );
  return new Migrator(config, {
    dialect: "sqlite",
    onWarning: (m) => warnings.push(m),
  });
}

async function upgrade(dir: string, path: string, target: string): Promise<string[]> {
  const warnings: string[] = [];
  const m = await migrator(dir, `sqlite:${path}`, warnings);
  try {
    await m.upgrade(target);
  } finally {
    await m.close();
  }
  return warnings;
}

async function offlineScript(dir: string, range: string): Promise<string> {
  const m = await migrator(dir, undefined);
  return await runOffline(m, "up", range);
}

/** Runs a script as a DBA would: `sqlite3 -bail DB < script`. */
async function sqlite3(path: string, script: string): Promise<void> {
  const out = await new Deno.Command("sh", {
    args: ["-c", 'exec sqlite3 -bail "$1"', "sh", path],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = out.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const r = await out.output();
  const err = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, `sqlite3 failed: ${err}\n--- script ---\n${script}`);
}

/** Two databases at `a1` (live), each with the orphan row added outside Strata. */
async function atFixture(dir: string): Promise<[string, string]> {
  const live = join(dir, "live.db");
  const scripted = join(dir, "scripted.db");
  for (const path of [live, scripted]) {
    await upgrade(dir, path, "a1");
    exec(path, ORPHAN);
  }
  return [live, scripted];
}

for (const c of CASES) {
  Deno.test(`SQLite ${c.name}: sqlite_master and rows change only as asked, live and --sql`, async () => {
    const p = await project(c.body);
    try {
      const [live, scripted] = await atFixture(p.dir);
      const before = snapshot(live);
      const want = expected(c, before);
      await upgrade(p.dir, live, "head");
      assertSnapshot(snapshot(live), want, "live");
      const script = await offlineScript(p.dir, "a1:head");
      await sqlite3(scripted, script);
      assertSnapshot(snapshot(scripted), want, "scripted");
    } finally {
      await p.cleanup();
    }
  });
}

Deno.test("SQLite dropColumn refuses what a view, trigger, index or CHECK uses and names them", async () => {
  const p = await project(`await op.dropColumn("orders", "state");`);
  try {
    const [live] = await atFixture(p.dir);
    const before = snapshot(live);
    await assert.rejects(
      () => upgrade(p.dir, live, "head"),
      (e: Error) =>
        e.message ===
          'Upgrade b2 ("m b2") failed at op.dropColumn("orders", "state"): Cannot drop column ' +
            '"orders.state": used by index "status", trigger "tr_orders_log", view "v_orders", ' +
            `view "v_paid", check "ck_state"`,
    );
    assertSnapshot(snapshot(live), before, "refused");
  } finally {
    await p.cleanup();
  }
});

// --- one copy per rebuild ---------------------------------------------------

const FIVE = [
  `await op.alterColumn("orders", "note", { type: "varchar(200)" });`,
  `await op.alterColumn("orders", "status", { nullable: false });`,
  `await op.alterColumn("orders", "code", { default: "none" });`,
  `await op.alterColumn("orders", "state", { default: null });`,
  `await op.alterColumn("orders", "total", { type: "real" });`,
];

/** Counts the table copies in statements: one `INSERT INTO t (…) SELECT … FROM _strata_old_t` each. */
function copies(sql: string[]): string[] {
  return sql.flatMap((s) => {
    const m = /^INSERT INTO (\S+) \(.*\) SELECT .* FROM "?_strata_old_/s.exec(s);
    return m ? [m[1] as string] : [];
  });
}

/** Runs `b2` of the project live through the real step runner, logging every statement. */
async function runLogged(dir: string, path: string): Promise<string[]> {
  const { loadModules } = await import("../src/script/load.ts");
  const { discoverScripts } = await import("../src/script/discover.ts");
  const script = (await discoverScripts(join(dir, "migrations"))).find((s) => s.revision === "b2")!;
  const module = (await loadModules([script])).get("b2")!;
  const driver = await openDriver(`sqlite:${path}`);
  const log: string[] = [];
  try {
    await driver.transaction((tx) => {
      const q: Queryable = {
        execute: (s: Statement) => {
          log.push(s.sql);
          return tx.execute(s);
        },
        query: (sql, params) => tx.query(sql, params),
      };
      return runStep(module, {
        revision: "b2",
        direction: "up",
        version: { remove: ["a1"], add: ["b2"] },
      }, {
        dialect: getDialect("sqlite"),
        q,
        versionTable: "strata_version",
        isOffline: false,
        transactional: true,
      });
    });
  } finally {
    await driver.close();
  }
  return log;
}

Deno.test("SQLite: 5 alterColumn on one table are one copy, live and --sql, with the result of five migrations", async () => {
  const batched = await project(FIVE.join("\n"));
  const steps = await makeProject({
    "a1_fixture.ts": migrationSource("a1", null, `await op.execute(${JSON.stringify(FIXTURE)});`),
    ...Object.fromEntries(
      FIVE.map((body, i) => [
        `c${i}_step.ts`,
        migrationSource(`c${i}`, i === 0 ? "a1" : `c${i - 1}`, body),
      ]),
    ),
  });
  try {
    const [live, scripted] = await atFixture(batched.dir);
    const log = await runLogged(batched.dir, live);
    assert.deepEqual(copies(log), ["orders"]);
    const script = await offlineScript(batched.dir, "a1:head");
    assert.deepEqual(copies(script.split(";\n")), ["orders"]);
    await sqlite3(scripted, script);

    const [oneByOne] = await atFixture(steps.dir);
    await upgrade(steps.dir, oneByOne, "head");
    const stepScript = await offlineScript(steps.dir, "a1:head");
    assert.equal(copies(stepScript.split(";\n")).length, 5);

    const want = snapshot(oneByOne);
    assertSnapshot(snapshot(live), want, "batched live vs five migrations");
    assertSnapshot(snapshot(scripted), want, "batched script vs five migrations");
    assert.equal(
      want.master.get("table orders")?.includes("total REAL CHECK (total >= 0), -- in currency"),
      true,
    );
  } finally {
    await batched.cleanup();
    await steps.cleanup();
  }
});

Deno.test("SQLite: execute, query, another table and the end of the migration write the held rebuild first", async () => {
  const p = await project(`
    await op.alterColumn("orders", "note", { type: "varchar(200)" });
    await op.execute("UPDATE orders SET status = 'seen' WHERE status IS NULL");
    await op.alterColumn("orders", "status", { nullable: false });
    if (!op.isOffline) {
      const [col] = await op.query("SELECT type FROM pragma_table_info('orders') WHERE name = 'status'");
      const notNull = await op.query("SELECT \\"notnull\\" AS n FROM pragma_table_info('orders') WHERE name = 'status'");
      await op.execute("INSERT INTO order_log (status, at) VALUES (?, ?)", [col.type, String(notNull[0].n)]);
    }
    await op.alterColumn("customers", "name", { type: "varchar(80)" });
    await op.alterColumn("orders", "code", { default: "none" });
  `);
  try {
    const [live] = await atFixture(p.dir);
    const log = await runLogged(p.dir, live);
    assert.deepEqual(copies(log), ["orders", "orders", "customers", "orders"]);
    // op.query saw the rebuilt table: the held change was written before it.
    const db = new DatabaseSync(live);
    try {
      assert.deepEqual(
        { ...db.prepare("SELECT status, at FROM order_log ORDER BY id DESC LIMIT 1").get() },
        { status: "TEXT", at: "1" },
      );
    } finally {
      db.close();
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("SQLite: a held rebuild that fails names its first call and rolls the migration back", async () => {
  const p = await project(`
    await op.alterColumn("orders", "note", { type: "varchar(200)" });
    await op.createUniqueConstraint("uq_orders_status", "orders", ["status"]);
  `);
  try {
    const [live] = await atFixture(p.dir);
    const before = snapshot(live);
    await assert.rejects(
      () => upgrade(p.dir, live, "head"),
      (e: Error) =>
        e.message ===
          'Upgrade b2 ("m b2") failed at op.alterColumn("orders", "note") (and 1 more changes ' +
            "in one rebuild of its table): UNIQUE constraint failed: orders.status",
    );
    assertSnapshot(snapshot(live), before, "rolled back");
  } finally {
    await p.cleanup();
  }
});
