import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { createPgDatabase, hasPg } from "../../tests/_pg.ts";
import { ConnectionError, QueryError } from "../errors.ts";
import { openDriver } from "./mod.ts";
import { rejectsWith } from "./_test_helpers.ts";

const PG = Deno.env.get("STRATA_TEST_PG_URL") ?? "";

/** Everything about an error a CLI could print, cause included. */
function allText(e: unknown): string {
  const err = e as Error & { hint?: string };
  return [String(err), err.hint, Deno.inspect(err, { depth: 10 }), String(err.cause)].join("\n");
}

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test({
  name: "PostgresDriver binds params, runs batches and multi-statement text",
  ignore: !hasPg(),
  async fn() {
    const db = await createPgDatabase("drv");
    const d = await openDriver(db.url);
    try {
      assertEquals(d.dialect, "postgres");
      await d.execute({
        sql: "CREATE TABLE t (a int PRIMARY KEY, j jsonb, b bool, ts timestamptz, by bytea, " +
          "n int8); CREATE TABLE u (x int)",
      });
      await d.execute({
        sql: "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)",
        params: [1, { k: [1] }, true, new Date(0), new Uint8Array([1, 2]), 2n ** 62n],
      });
      await d.execute({
        sql: "INSERT INTO t (a, b) VALUES ($1, $2)",
        batch: [[2, undefined], [3, false]],
      });
      assertEquals(await d.query("SELECT * FROM t WHERE a = $1", [1]), [
        { a: 1, j: { k: [1] }, b: true, ts: new Date(0), by: new Uint8Array([1, 2]), n: 2n ** 62n },
      ]);
      assertEquals(await d.query("SELECT a, b FROM t WHERE a > 1 ORDER BY a"), [
        { a: 2, b: null },
        { a: 3, b: false },
      ]);
      assertEquals(await d.query("SELECT count(*) AS n FROM t"), [{ n: 3 }]);
      const [row] = await d.query(
        "SELECT application_name FROM pg_stat_activity " +
          "WHERE pid = pg_backend_pid()",
      );
      assertEquals(row, { application_name: "strata" });
    } finally {
      await d.close();
      await db.drop();
    }
  },
});

Deno.test({
  name: "PostgresDriver.transaction() commits, and rolls back when fn throws",
  ignore: !hasPg(),
  async fn() {
    const db = await createPgDatabase("drv");
    const d = await openDriver(db.url);
    try {
      await d.execute({ sql: "CREATE TABLE t (a int)" });
      assertEquals(
        await d.transaction(async (tx) => {
          await tx.execute({ sql: "INSERT INTO t VALUES (1)" });
          await d.execute({ sql: "INSERT INTO t VALUES (2)" }); // same session: no deadlock
          return "ok";
        }),
        "ok",
      );
      const boom = new Error("boom");
      const err = await rejectsWith(() =>
        d.transaction(async (tx) => {
          await tx.execute({ sql: "INSERT INTO t VALUES (3); CREATE TABLE u (x int)" });
          throw boom;
        }), Error);
      assert.strictEqual(err, boom);
      await rejectsWith(
        () =>
          d.transaction(async (tx) => {
            await tx.execute({ sql: "INSERT INTO t VALUES (4)" });
            await tx.execute({ sql: "INSERT INTO nope VALUES (1)" });
          }),
        QueryError,
        'relation "nope" does not exist',
      );
      assertEquals(await d.query("SELECT a FROM t ORDER BY a"), [{ a: 1 }, { a: 2 }]);
      assertEquals(await d.query("SELECT to_regclass('u') AS u"), [{ u: null }]);
    } finally {
      await d.close();
      await db.drop();
    }
  },
});

Deno.test({
  name: "PostgresDriver maps SQL errors to QueryError with the position",
  ignore: !hasPg(),
  async fn() {
    const d = await openDriver(PG);
    try {
      const err = await rejectsWith(() => d.query("SELECT nope FROM pg_class"), QueryError);
      assertEquals([err.sql, err.message, err.position], [
        "SELECT nope FROM pg_class",
        'column "nope" does not exist',
        8,
      ]);
      await rejectsWith(() => d.execute({ sql: "SELEC 1; SELECT 2" }), QueryError, "syntax error");
    } finally {
      await d.close();
    }
  },
});

Deno.test({
  name: "openDriver() maps connection failures to ConnectionError without the password",
  ignore: !hasPg(),
  async fn() {
    const good = new URL(PG);
    const secret = "Sup3r-Secret-pw";

    const wrong = new URL(good);
    wrong.password = secret;
    const e1 = await rejectsWith(() => openDriver(wrong.toString()), ConnectionError);
    assertEquals(
      e1.message,
      `Cannot connect to postgres://${good.username}:***@${good.hostname}:${good.port}` +
        `${good.pathname}: password authentication failed for user "${good.username}"`,
    );
    assert(e1.hint?.includes("password"));
    assert(!allText(e1).includes(secret));

    const noDb = new URL(good);
    noDb.pathname = "/strata_no_such_db";
    const e2 = await rejectsWith(() => openDriver(noDb.toString()), ConnectionError);
    assert(e2.message.endsWith('database "strata_no_such_db" does not exist'));
    assertEquals(e2.hint, "create it first: createdb strata_no_such_db");
    assert(!allText(e2).includes(decodeURIComponent(good.password)));

    const port = closedPort();
    const e3 = await rejectsWith(
      () => openDriver(`postgres://app:${secret}@127.0.0.1:${port}/app`),
      ConnectionError,
    );
    assertEquals(
      e3.message,
      `Cannot connect to postgres://app:***@127.0.0.1:${port}/app: connection refused`,
    );
    assert(!allText(e3).includes(secret));

    const e4 = await rejectsWith(
      () => openDriver(`postgresql+psycopg2://app:${secret}@no-such-host.invalid/app`),
      ConnectionError,
      'unknown host "no-such-host.invalid"',
    );
    assert(!allText(e4).includes(secret));
  },
});

Deno.test({
  name: "openDriver() with readOnly makes PostgreSQL transactions read-only",
  ignore: !hasPg(),
  async fn() {
    const d = await openDriver(PG, { readOnly: true });
    try {
      await rejectsWith(
        () => d.execute({ sql: "CREATE TABLE strata_ro_check (a int)" }),
        QueryError,
        "read-only transaction",
      );
    } finally {
      await d.close();
    }
  },
});

Deno.test({
  name: "PostgresDriver fails instead of reconnecting while a lock is held and the session dies",
  ignore: !hasPg(),
  async fn() {
    const d = await openDriver(PG);
    const admin = await openDriver(PG);
    try {
      const release = await d.lock("strata_lost_session", { timeoutMs: 1000 });
      const [row] = await d.query("SELECT pg_backend_pid() AS pid");
      await admin.query("SELECT pg_terminate_backend($1)", [row?.pid]);
      await new Promise((r) => setTimeout(r, 200));
      await rejectsWith(() => d.query("SELECT 1"), ConnectionError);
      await rejectsWith(() => d.query("SELECT 1"), ConnectionError, "migration lock");
      await release(); // no error: the lock already went with the session
      assertEquals(await d.query("SELECT 1 AS one"), [{ one: 1 }]); // reconnects once released
    } finally {
      await d.close();
      await admin.close();
    }
  },
});

Deno.test({
  name: "PostgresDriver.execute() stores JSON text params as documents, not strings",
  ignore: !hasPg(),
  async fn() {
    const db = await createPgDatabase("drv");
    const d = await openDriver(db.url);
    try {
      await d.execute({ sql: "CREATE TABLE j (doc jsonb, plain json)" });
      await d.execute({
        sql: "INSERT INTO j VALUES ($1, $2)",
        params: ['{"a":1}', '{"b":[2]}'],
      });
      assertEquals(
        await d.query("SELECT jsonb_typeof(doc) AS t, doc->>'a' AS a, plain FROM j"),
        [{ t: "object", a: "1", plain: { b: [2] } }],
      );
    } finally {
      await d.close();
      await db.drop();
    }
  },
});

Deno.test("openDriver() gives up when a server accepts and closes every connection during start-up", async () => {
  // Not PostgreSQL: accepts TCP, then hangs up (a proxy without a backend does this).
  // postgres.js alone would reconnect for ever.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const serving = (async () => {
    for await (const conn of listener) conn.close();
  })();
  try {
    const started = Date.now();
    const url = `postgres://app:S3cret-Pw-991@127.0.0.1:${port}/app?connect_timeout=1`;
    const err = await rejectsWith(() => openDriver(url), ConnectionError, "no PostgreSQL login");
    assert.ok(Date.now() - started < 5000, "gave up in about connect_timeout");
    assert.ok(!allText(err).includes("S3cret-Pw-991"), allText(err));
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test({
  name:
    "PostgresDriver passes date and timestamp strings through as written, microseconds and infinity included",
  ignore: !hasPg(),
  async fn() {
    const db = await createPgDatabase("drvts");
    const d = await openDriver(db.url);
    try {
      await d.execute({ sql: "CREATE TABLE t (id int, ts timestamptz, l timestamp, d date)" });
      const params: unknown[][] = [
        [1, "2024-02-29T23:59:59.123456+02:00", "2024-02-29 23:59:59.654321", "2024-02-29"],
        [2, "infinity", "-infinity", "infinity"],
        [3, new Date(Date.UTC(2000, 0, 1)), null, new Date(Date.UTC(2000, 0, 1))],
        [4, Date.UTC(2001, 0, 1), null, null],
      ];
      for (const p of params) {
        await d.execute({ sql: "INSERT INTO t VALUES ($1, $2, $3, $4)", params: p });
      }
      await d.execute({ sql: "SET TIME ZONE 'UTC'" });
      assertEquals(
        await d.query("SELECT id, ts::text AS ts, l::text AS l, d::text AS d FROM t ORDER BY id"),
        [
          {
            id: 1,
            ts: "2024-02-29 21:59:59.123456+00",
            l: "2024-02-29 23:59:59.654321",
            d: "2024-02-29",
          },
          { id: 2, ts: "infinity", l: "-infinity", d: "infinity" },
          { id: 3, ts: "2000-01-01 00:00:00+00", l: null, d: "2000-01-01" },
          { id: 4, ts: "2001-01-01 00:00:00+00", l: null, d: null },
        ],
      );
      // Read back, they are still Dates.
      const [row] = await d.query("SELECT ts FROM t WHERE id = 3");
      assert(row?.ts instanceof Date);
    } finally {
      await d.close();
      await db.drop();
    }
  },
});
