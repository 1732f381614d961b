import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { rejectsWith as assertRejects, throwsWith as assertThrows } from "./_test_helpers.ts";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ConnectionError, QueryError } from "../errors.ts";
import { openDriver } from "./mod.ts";
import { openSqlite, toSqliteParam } from "./sqlite.ts";

async function tempDb(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "strata_sqlite_" });
  return { dir, path: join(dir, "app.db") };
}

Deno.test("toSqliteParam() converts booleans, dates, JSON and undefined", () => {
  assertEquals(toSqliteParam(true), 1n);
  assertEquals(toSqliteParam(false), 0n);
  assertEquals(toSqliteParam(3), 3n);
  assertEquals(toSqliteParam(1.5), 1.5);
  assertEquals(toSqliteParam(new Date("2024-01-02T03:04:05Z")), "2024-01-02T03:04:05.000Z");
  assertEquals(toSqliteParam({ a: [1] }), '{"a":[1]}');
  assertEquals(toSqliteParam([1, "x"]), '[1,"x"]');
  assertEquals(toSqliteParam(undefined), null);
  assertEquals(toSqliteParam(5n), 5n);
  assertEquals(toSqliteParam(new Uint8Array([1])), new Uint8Array([1]));
});

Deno.test("openDriver() opens a SQLite file with foreign keys on and binds params", async () => {
  const { dir, path } = await tempDb();
  const db = await openDriver(`sqlite:${path}`);
  try {
    assertEquals(db.dialect, "sqlite");
    assertEquals(await db.query("PRAGMA foreign_keys"), [{ foreign_keys: 1 }]);
    assertEquals(await db.query("PRAGMA busy_timeout"), [{ timeout: 5000 }]);
    await db.execute({
      sql: "CREATE TABLE t (a integer, b text, c blob, d integer); CREATE TABLE u (x integer)",
    });
    await db.execute({
      sql: "INSERT INTO t VALUES (?, ?, ?, ?)",
      params: [true, new Date(0), new Uint8Array([7, 8]), 2n ** 62n],
    });
    await db.execute({
      sql: "INSERT INTO t VALUES (?, ?, ?, ?)",
      params: [0, { k: 1 }, null, undefined],
    });
    const rows = await db.query("SELECT * FROM t ORDER BY a DESC");
    assertEquals(rows, [
      { a: 1, b: "1970-01-01T00:00:00.000Z", c: new Uint8Array([7, 8]), d: 2n ** 62n },
      { a: 0, b: '{"k":1}', c: null, d: null },
    ]);
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteDriver.execute() runs a batch once per row, atomically", async () => {
  const db = openSqlite(":memory:");
  await db.execute({ sql: "CREATE TABLE t (a integer primary key, b text)" });
  await db.execute({ sql: "INSERT INTO t VALUES (?, ?)", batch: [[1, "x"], [2, true]] });
  assertEquals(await db.query("SELECT b FROM t ORDER BY a"), [{ b: "x" }, { b: "1" }]);
  await assertRejects(
    () => db.execute({ sql: "INSERT INTO t VALUES (?, ?)", batch: [[3, "y"], [1, "dup"]] }),
    QueryError,
  );
  assertEquals(await db.query("SELECT count(*) AS n FROM t"), [{ n: 2 }]);
  await db.close();
});

Deno.test("SqliteDriver.transaction() commits, and rolls back when fn throws", async () => {
  const db = openSqlite(":memory:");
  await db.execute({ sql: "CREATE TABLE t (a integer)" });
  assertEquals(
    await db.transaction(async (tx) => {
      await tx.execute({ sql: "INSERT INTO t VALUES (1)" });
      return "ok";
    }),
    "ok",
  );
  await assertRejects(
    () =>
      db.transaction(async (tx) => {
        await tx.execute({ sql: "INSERT INTO t VALUES (2)" });
        await tx.execute({ sql: "CREATE TABLE u (x integer)" });
        throw new Error("boom");
      }),
    Error,
    "boom",
  );
  assertEquals(await db.query("SELECT a FROM t"), [{ a: 1 }]);
  assertEquals(await db.query("SELECT name FROM sqlite_master WHERE name = 'u'"), []);
  await db.close();
});

Deno.test("SqliteDriver maps SQL errors to QueryError with sql and position", async () => {
  const db = openSqlite(":memory:");
  const err = await assertRejects(() => db.query("SELEC 1"), QueryError);
  assertEquals(err.sql, "SELEC 1");
  assertEquals(err.message, 'near "SELEC": syntax error');
  assertEquals(err.position, 1);
  const multi = await assertRejects(() => db.execute({ sql: "SELECT 1; SELEC 2" }), QueryError);
  assertEquals([multi.message, multi.position], ['near "SELEC": syntax error', 11]);
  await assertRejects(
    () => db.execute({ sql: "INSERT INTO nope VALUES (1)" }),
    QueryError,
    "no such table: nope",
  );
  await db.close();
});

Deno.test("openSqlite() throws ConnectionError with a hint for a missing directory", () => {
  const err = assertThrows(() => openSqlite("/nonexistent-strata-dir/x/app.db"), ConnectionError);
  assert(err.message.includes('directory "/nonexistent-strata-dir/x" does not exist'));
  assert(err.hint?.includes("mkdir -p"));
});

Deno.test("SqliteDriver fails cleanly on the first write to a read-only file", async () => {
  const { dir, path } = await tempDb();
  const setup = openSqlite(path);
  await setup.execute({ sql: "CREATE TABLE t (a integer); INSERT INTO t VALUES (1)" });
  await setup.close();
  const before = await Deno.readFile(path);
  const db = await openDriver(`sqlite:${path}`, { readOnly: true });
  assertEquals(await db.query("SELECT a FROM t"), [{ a: 1 }]);
  const err = await assertRejects(
    () => db.transaction((tx) => tx.execute({ sql: "INSERT INTO t VALUES (2)" })),
    ConnectionError,
  );
  assert(err.hint?.includes("read-only"));
  await db.close();
  assertEquals(await Deno.readFile(path), before);
  assertThrows(() => openSqlite(join(dir, "missing.db"), { readOnly: true }), ConnectionError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDriver() opens a SQLite URL's mode=ro read-only and mode=rw only if the file exists", async () => {
  const { dir, path } = await tempDb();
  const setup = openSqlite(path);
  await setup.execute({ sql: "CREATE TABLE t (a integer); INSERT INTO t VALUES (1)" });
  await setup.close();
  const before = await Deno.readFile(path);
  const ro = await openDriver(`sqlite:${path}?mode=ro`);
  assertEquals(await ro.query("SELECT a FROM t"), [{ a: 1 }]);
  const write = await assertRejects(
    () => ro.execute({ sql: "INSERT INTO t VALUES (2)" }),
    ConnectionError,
    "it is opened read-only (mode=ro in the URL)",
  );
  assertEquals(write.exitCode, 1);
  // The lock comes before every write: refused without creating the lock file.
  const lock = await assertRejects(() => ro.lock("v", { timeoutMs: 10 }), ConnectionError);
  assertEquals(lock.exitCode, 2);
  await ro.close();
  assertEquals(await Deno.readFile(path), before);
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), [path.split("/").pop()]);

  const rw = await openDriver(`sqlite:${path}?mode=rw`);
  await rw.execute({ sql: "INSERT INTO t VALUES (2)" });
  await rw.close();
  for (const mode of ["ro", "rw"]) {
    await assertRejects(
      () => openDriver(`sqlite:${join(dir, "missing.db")}?mode=${mode}`),
      ConnectionError,
      "the file does not exist",
    );
  }
  // The default, rwc, creates the file; nothing is named "x.db?mode=rwc".
  await (await openDriver(`sqlite:${join(dir, "new.db")}?mode=rwc`)).close();
  assertEquals((await Deno.stat(join(dir, "new.db"))).isFile, true);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("SqliteDriver maps a file that is not a database to ConnectionError", async () => {
  const { dir, path } = await tempDb();
  await Deno.writeTextFile(path, "this is not a sqlite database, just some text ".repeat(10));
  try {
    const db = openSqlite(path);
    await assertRejects(
      () => db.query("SELECT * FROM sqlite_master"),
      ConnectionError,
      "not a database",
    );
    await db.close();
  } catch (e) {
    assert(e instanceof ConnectionError, String(e)); // or already at open
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteDriver.transaction() checks foreign keys before COMMIT and rolls back on a violation", async () => {
  const { dir, path } = await tempDb();
  const d = await openDriver(`sqlite:${path}`);
  try {
    await d.execute({
      sql: "CREATE TABLE p (id integer primary key); " +
        "CREATE TABLE c (id integer primary key, p_id integer REFERENCES p (id) ON DELETE CASCADE); " +
        "INSERT INTO p VALUES (1); INSERT INTO c VALUES (10, 1);",
    });
    // A rebuild-style DROP of the parent inside a transaction keeps child rows.
    await d.transaction(async (tx) => {
      await tx.execute({
        sql:
          "CREATE TABLE p_new (id integer primary key, x text); INSERT INTO p_new (id) SELECT id FROM p; " +
          "DROP TABLE p; ALTER TABLE p_new RENAME TO p;",
      });
    });
    assertEquals(await d.query("SELECT id, p_id FROM c"), [{ id: 10, p_id: 1 }]);
    // A violation fails the transaction and leaves the data as it was.
    await assertRejects(
      () => d.transaction((tx) => tx.execute({ sql: "DELETE FROM p WHERE id = 1" })),
      QueryError,
      'Foreign key check failed: the migration left 1 row of "c" that references missing "p"',
    );
    assertEquals(await d.query("SELECT id FROM p"), [{ id: 1 }]);
    // Enforcement is back on after the transaction.
    assertEquals(await d.query("PRAGMA foreign_keys"), [{ foreign_keys: 1 }]);
  } finally {
    await d.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteDriver.transaction() fails only on foreign-key violations it adds and warns once about older ones", async () => {
  const { dir, path } = await tempDb();
  const d = await openDriver(`sqlite:${path}`);
  const warnings: string[] = [];
  d.onWarning = (m) => warnings.push(m);
  try {
    await d.execute({
      sql: "PRAGMA foreign_keys = OFF; " +
        "CREATE TABLE p (id integer primary key); " +
        "CREATE TABLE c (id integer primary key, p_id integer REFERENCES p (id)); " +
        "CREATE TABLE w (k text primary key, p_id integer REFERENCES p (id)) WITHOUT ROWID; " +
        "INSERT INTO p VALUES (1); INSERT INTO c VALUES (10, 1), (11, 99); " +
        "INSERT INTO w VALUES ('a', 98); PRAGMA foreign_keys = ON;",
    });
    // An unrelated change commits although orphans exist; they are reported once.
    await d.transaction((tx) => tx.execute({ sql: "CREATE TABLE t1 (x integer)" }));
    await d.transaction((tx) => tx.execute({ sql: "CREATE TABLE t2 (x integer)" }));
    assertEquals(warnings, [
      'the database already has rows that break foreign keys (1 row of "c" that references ' +
      'missing "p", 1 row of "w" that references missing "p"); migrations leave them alone ' +
      "and fail only on violations they add",
    ]);
    // A change that touches the orphan row but leaves it an orphan is not new.
    await d.transaction((tx) => tx.execute({ sql: "UPDATE c SET p_id = 97 WHERE id = 11" }));
    // New orphans fail, counted per table, even next to older ones (WITHOUT ROWID by count).
    await assertRejects(
      () =>
        d.transaction(async (tx) => {
          await tx.execute({ sql: "INSERT INTO c VALUES (12, 50), (13, 51)" });
          await tx.execute({ sql: "INSERT INTO w VALUES ('b', 52)" });
        }),
      QueryError,
      'the migration left 2 rows of "c" that reference missing "p", 1 row of "w" that ' +
        'references missing "p"',
    );
    assertEquals(await d.query("SELECT count(*) AS n FROM c"), [{ n: 2 }]);
    assertEquals(await d.query("SELECT count(*) AS n FROM w"), [{ n: 1 }]);
    // Fixing an old orphan while adding none commits.
    await d.transaction((tx) => tx.execute({ sql: "DELETE FROM w" }));
    assertEquals(warnings.length, 1);
  } finally {
    await d.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteDriver.transaction() skips re-checking foreign keys only when nothing could break one", async () => {
  const { dir, path } = await tempDb();
  const d = await openDriver(`sqlite:${path}`);
  const warnings: string[] = [];
  d.onWarning = (m) => warnings.push(m);
  try {
    await d.transaction((tx) =>
      tx.execute({
        sql: "CREATE TABLE p (id integer primary key); " +
          "CREATE TABLE c (id integer primary key, p_id integer REFERENCES p (id))",
      })
    );
    // New tables, indexes and reads only: commits.
    await d.transaction(async (tx) => {
      await tx.execute({ sql: "CREATE INDEX c_p ON c (p_id)" });
      await tx.query("SELECT count(*) AS n FROM c");
    });
    // A write after them is still checked, in its own transaction and with others.
    await assertRejects(
      () => d.transaction((tx) => tx.execute({ sql: "INSERT INTO c VALUES (1, 7)" })),
      QueryError,
      'the migration left 1 row of "c" that references missing "p"',
    );
    await assertRejects(
      () =>
        d.transaction(async (tx) => {
          await tx.execute({ sql: "CREATE TABLE x (id integer)" });
          await tx.query("INSERT INTO c VALUES (2, 8) RETURNING id");
        }),
      QueryError,
      'the migration left 1 row of "c" that references missing "p"',
    );
    // Several statements in one text count as unknown, whatever the first is.
    await assertRejects(
      () =>
        d.transaction((tx) =>
          tx.execute({ sql: "CREATE TABLE y (id integer); INSERT INTO c VALUES (2, 8)" })
        ),
      QueryError,
      'the migration left 1 row of "c" that references missing "p"',
    );
    assertEquals(await d.query("SELECT count(*) AS n FROM c"), [{ n: 0 }]);
    // Another connection leaves an orphan between two transactions: it was
    // there before the next one, which must not be failed for it.
    const other = new DatabaseSync(path);
    other.exec("PRAGMA foreign_keys = OFF; INSERT INTO c VALUES (3, 9)");
    other.close();
    await d.transaction((tx) => tx.execute({ sql: "INSERT INTO p VALUES (1)" }));
    assertEquals(warnings.length, 1);
    assert.match(warnings[0]!, /1 row of "c" that references missing "p"/);
    // So does this connection outside a transaction.
    await d.execute({ sql: "PRAGMA foreign_keys = OFF" });
    await d.execute({ sql: "INSERT INTO c VALUES (4, 9)" });
    await d.execute({ sql: "PRAGMA foreign_keys = ON" });
    await d.transaction((tx) => tx.execute({ sql: "INSERT INTO c VALUES (5, 1)" }));
    assertEquals(await d.query("SELECT id FROM c ORDER BY id"), [{ id: 3 }, { id: 4 }, {
      id: 5,
    }]);
  } finally {
    await d.close();
    await Deno.remove(dir, { recursive: true });
  }
});
