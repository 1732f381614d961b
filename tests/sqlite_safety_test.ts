/**
 * SQLite runs that must neither fail for what a migration did not do nor
 * lose what it did not ask to lose (issue 9, items 2 and 7), through the CLI
 * (`main()` in process, with its output captured) on real database files:
 *
 * - rows that already break a foreign key do not fail an unrelated
 *   migration (one warning line per run); a migration that adds such rows
 *   fails naming itself, the table and the count, and changes nothing;
 * - a column in use is not dropped (exit 1, the dependents named, database
 *   unchanged), live and under `--sql`; `cascade: true` drops the
 *   dependents with a warning line naming each.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { Output, type Writer } from "../src/cli/output.ts";
import { makeProject, migrationSource } from "./_helpers.ts";

/** Runs `strata ARGS` in process; returns the exit code and what it printed. */
async function strata(args: string[], cwd: string) {
  const dec = new TextDecoder();
  const sink = (into: string[]): Writer => ({
    writeSync(d: Uint8Array) {
      into.push(dec.decode(d));
      return d.length;
    },
  });
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: new Output(sink(out), sink(err)), env: {}, cwd });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path);
  try {
    return db.prepare(sql).all().map((r) => ({ ...r }));
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

/** Everything a failed run must leave as it was. */
function state(path: string) {
  return {
    master: rows(path, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"),
    versions: rows(path, "SELECT version_num FROM strata_version"),
  };
}

Deno.test("upgrade on SQLite fails only for foreign-key violations the migration adds, naming it", async () => {
  const p = await makeProject({
    "a1_unrelated.ts": migrationSource(
      "a1",
      null,
      `await op.createTable("notes", { id: { type: "integer", primaryKey: true } });`,
    ),
    "b2_orphans.ts": migrationSource(
      "b2",
      "a1",
      `await op.execute("INSERT INTO c (id, p_id) VALUES (20, 500), (21, 501)");`,
    ),
  });
  try {
    const db = join(p.dir, "app.db");
    // Rows that break a foreign key before Strata ever runs (SQLite does not enforce by default).
    exec(
      db,
      "PRAGMA foreign_keys = OFF; CREATE TABLE p (id INTEGER PRIMARY KEY); " +
        "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id)); " +
        "INSERT INTO p VALUES (1); INSERT INTO c VALUES (10, 1), (11, 99);",
    );
    const url = `sqlite:${db}`;
    const warning =
      'warning: the database already has rows that break foreign keys (1 row of "c" ' +
      'that references missing "p"); migrations leave them alone and fail only on violations ' +
      "they add";
    const first = await strata(["-u", url, "upgrade", "a1"], p.dir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, `${warning}\n`);
    assert.match(first.stdout, /upgrade <base> -> a1/);

    const before = state(db);
    const second = await strata(["-u", url, "upgrade", "head"], p.dir);
    assert.equal(second.code, 1);
    assert.deepEqual(second.stderr.split("\n"), [
      warning,
      'error: Upgrade b2 ("m b2") failed: Foreign key check failed: the migration left 2 rows of ' +
      '"c" that reference missing "p"',
      "hint: on SQLite, ON DELETE actions do not fire during a migration: delete or fix the " +
      "child rows in it",
      "",
    ]);
    assert.deepEqual(state(db), before);
    assert.deepEqual(rows(db, "SELECT id FROM c ORDER BY id"), [{ id: 10 }, { id: 11 }]);
  } finally {
    await p.cleanup();
  }
});

const SHOP = `
CREATE TABLE orders (id INTEGER PRIMARY KEY, state TEXT, status TEXT, note TEXT);
CREATE TABLE order_log (order_id INTEGER, status TEXT);
CREATE INDEX status ON orders (state);
CREATE INDEX ix_orders_note ON orders (note) WHERE status IS NOT NULL;
CREATE TRIGGER tr_log AFTER UPDATE OF state ON orders BEGIN
  INSERT INTO order_log (order_id, status) VALUES (new.id, new.state);
END;
CREATE VIEW v_open AS SELECT id, status FROM orders WHERE status <> 'closed';
CREATE VIEW v_open_count AS SELECT count(*) AS n FROM v_open;
INSERT INTO orders VALUES (1, 'new', 'open', 'a'), (2, 'paid', 'closed', NULL);
`;

Deno.test("dropColumn on SQLite refuses a column in use, live and --sql, and cascade drops the dependents with a warning", async () => {
  const files = (cascade: boolean) => ({
    "a1_shop.ts": migrationSource("a1", null, `await op.execute(${JSON.stringify(SHOP)});`),
    "b2_drop.ts": migrationSource(
      "b2",
      "a1",
      `await op.dropColumn("orders", "status"${cascade ? ", { cascade: true }" : ""});`,
    ),
  });
  const p = await makeProject(files(false));
  try {
    const db = join(p.dir, "app.db");
    const url = `sqlite:${db}`;
    assert.equal((await strata(["-u", url, "upgrade", "a1"], p.dir)).code, 0);
    const before = state(db);
    const refused = [
      'error: Upgrade b2 ("m b2") failed at op.dropColumn("orders", "status"): Cannot drop ' +
      'column "orders.status": used by index "ix_orders_note", view "v_open", view "v_open_count"',
      "hint: drop those first, or pass { cascade: true } to drop them with the column",
      "",
    ];
    const live = await strata(["-u", url, "upgrade", "head"], p.dir);
    assert.equal(live.code, 1);
    assert.deepEqual(live.stderr.split("\n"), refused);
    assert.deepEqual(state(db), before);
    const offline = await strata(["upgrade", "a1:head", "--sql", "--dialect", "sqlite"], p.dir);
    assert.equal(offline.code, 1);
    assert.deepEqual(offline.stderr.split("\n"), refused);
    assert.equal(offline.stdout, "");

    // A new file name: this process has imported b2_drop.ts already.
    await Deno.remove(join(p.migrations, "b2_drop.ts"));
    await Deno.writeTextFile(join(p.migrations, "b2_drop_cascade.ts"), files(true)["b2_drop.ts"]);
    const warning = 'warning: dropping column "orders.status" also drops index "ix_orders_note", ' +
      'view "v_open", view "v_open_count" (cascade: true)';
    const script = await strata(["upgrade", "a1:head", "--sql", "--dialect", "sqlite"], p.dir);
    assert.equal(script.code, 0, script.stderr);
    assert.equal(script.stderr, `${warning}\n`);
    assert.match(script.stdout, /DROP VIEW v_open;\nDROP VIEW v_open_count;/);
    const done = await strata(["-u", url, "upgrade", "head"], p.dir);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stderr, `${warning}\n`);
    // What merely mentions "status" stays: the index named status, the trigger writing
    // order_log.status; the rows keep everything but the column.
    assert.deepEqual(
      rows(
        db,
        "SELECT type, name FROM sqlite_master WHERE type <> 'table' AND sql IS NOT NULL " +
          "ORDER BY name",
      ),
      [{ type: "index", name: "status" }, { type: "trigger", name: "tr_log" }],
    );
    assert.deepEqual(rows(db, "SELECT * FROM orders ORDER BY id"), [
      { id: 1, state: "new", note: "a" },
      { id: 2, state: "paid", note: null },
    ]);
  } finally {
    await p.cleanup();
  }
});
