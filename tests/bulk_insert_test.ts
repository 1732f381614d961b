/**
 * `op.bulkInsert` on real databases: PostgreSQL's COPY path stores exactly
 * what the INSERT path stores, for every value that needs escaping; iterables
 * and async iterables stream in chunks, live on both databases and as INSERTs
 * under `--sql`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { renderBulkInsert } from "../src/dialects/postgres/render_data.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { Migrator } from "../src/runner/migrator.ts";
import { runOffline } from "../src/offline/run_offline.ts";
import { eachLiveDb } from "./_live.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { makeProject, migrationSource } from "./_helpers.ts";

/** Values that need escaping in COPY's text format, or a careful conversion. */
const TRICKY: Record<string, unknown>[] = [
  {
    id: 1,
    t: "tab\there, newline\nthere, cr\rand crlf\r\nend",
    b: new Uint8Array([0, 1, 9, 10, 13, 92, 255]),
    j: { tab: "a\tb", nl: "c\nd", bs: "e\\f", quote: '"', u: "é 漢字 😀", nul: null },
    js: { keep: "as  written", n: 1.5 },
    a: '{"x y","q\\"uote","back\\\\slash",NULL,"tab\there"}',
    f: true,
    n: 12.5,
    big: 2n ** 62n,
    d: "2024-02-29",
    ts: "2024-02-29T23:59:59.123456+02:00",
  },
  {
    id: 2,
    t: "\\N is not NULL, \\. is not the end, ending in a backslash\\",
    b: new Uint8Array(),
    j: [1, "two", null, [3]],
    js: [],
    a: "{}",
    f: false,
    n: -0.000001,
    big: -1n,
    d: "0001-01-01",
    ts: "1970-01-01T00:00:00Z",
  },
  {
    id: 3,
    t: "",
    b: null,
    j: "just a string",
    js: null,
    a: null,
    f: null,
    n: null,
    big: null,
    d: null,
    ts: null,
  },
  {
    id: 4,
    t: "unicode \u2028 line separator, \u00a0 nbsp, combining e\u0301, 😀",
    b: new Uint8Array(256).map((_, i) => i),
    j: { deep: { deeper: ["\\", "\t", "\r\n"] } },
    js: { "key\twith tab": "v" },
    a: "{plain,words}",
    f: true,
    n: 1e21,
    big: 0n,
    d: "9999-12-31",
    ts: "2000-01-01 12:00:00 UTC",
  },
];

const COLUMNS = "id integer PRIMARY KEY, t text, b bytea, j jsonb, js json, a text[], " +
  "f boolean, n double precision, big bigint, d date, ts timestamptz";
const READ = (table: string) =>
  `SELECT id, t, encode(b, 'hex') AS b, j::text AS j, js::text AS js, a, f, n, big::text AS big, ` +
  `d::text AS d, ts::text AS ts FROM ${table} ORDER BY id`;

Deno.test({
  name: "bulkInsert through COPY stores exactly what INSERTs store, for values that need escaping",
  ignore: !hasPg(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const created = await createPgDatabase("copy");
    const db = await openDriver(created.url);
    try {
      await db.execute({
        sql: `CREATE TABLE via_copy (${COLUMNS}); CREATE TABLE via_insert (${COLUMNS})`,
      });
      // `j` holds JSON documents; a JS string there is a JSON string document.
      const rows = TRICKY.map((r) => ({
        ...r,
        j: typeof r.j === "string" ? JSON.stringify(r.j) : r.j,
      }));
      const copy = renderBulkInsert({ kind: "bulkInsert", table: "via_copy", rows }, {
        copy: true,
      });
      assert.equal(copy.length, 1);
      assert.match(
        copy[0]?.sql ?? "",
        /^COPY via_copy \(id, t, b, j, js, a, f, n, big, d, ts\) FROM STDIN$/,
      );
      const insert = renderBulkInsert({ kind: "bulkInsert", table: "via_insert", rows });
      assert.match(insert[0]?.sql ?? "", /^INSERT INTO via_insert/);
      await db.transaction(async (tx) => {
        for (const s of [...copy, ...insert]) await tx.execute(s);
      });
      const copied = await db.query(READ("via_copy"));
      assert.deepEqual(copied, await db.query(READ("via_insert")));
      // And what that is, spelled out for the values that need escaping.
      assert.equal(copied[0]?.t, TRICKY[0]?.t);
      assert.equal(copied[1]?.t, TRICKY[1]?.t);
      assert.equal(copied[3]?.t, TRICKY[3]?.t);
      assert.equal(copied[2]?.t, "");
      assert.equal(copied[2]?.b, null);
      assert.equal(copied[0]?.b, "0001090a0d5cff");
      assert.equal(copied[1]?.b, "");
      assert.equal(
        copied[3]?.b,
        Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join(""),
      );
      assert.deepEqual(JSON.parse(String(copied[0]?.j)), TRICKY[0]?.j);
      assert.deepEqual(JSON.parse(String(copied[3]?.j)), TRICKY[3]?.j);
      assert.equal(copied[2]?.j, '"just a string"');
      assert.equal(copied[0]?.js, JSON.stringify(TRICKY[0]?.js)); // json keeps the text as sent
      const [arr] = await db.query(
        "SELECT a[1] AS a1, a[2] AS a2, a[3] AS a3, a[4] IS NULL AS a4, a[5] AS a5, " +
          "cardinality(a) AS n FROM via_copy WHERE id = 1",
      );
      assert.deepEqual(arr, {
        a1: "x y",
        a2: 'q"uote',
        a3: "back\\slash",
        a4: true,
        a5: "tab\there",
        n: 5,
      });
      assert.deepEqual(copied.map((r) => r.f), [true, false, null, true]);
      assert.deepEqual(copied.map((r) => r.big), [String(2n ** 62n), "-1", null, "0"]);
      assert.deepEqual(copied.map((r) => r.d), ["2024-02-29", "0001-01-01", null, "9999-12-31"]);
      const [instant] = await db.query(
        "SELECT ts = '2024-02-29T21:59:59.123456Z'::timestamptz AS same FROM via_copy WHERE id = 1",
      );
      assert.equal(instant?.same, true);
    } finally {
      await db.close();
      await created.drop();
    }
  },
});

Deno.test({
  name: "bulkInsert through COPY fails the migration with the server's error and leaves nothing",
  ignore: !hasPg(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const created = await createPgDatabase("copyfail");
    const db = await openDriver(created.url);
    try {
      await db.execute({ sql: "CREATE TABLE t (id integer PRIMARY KEY, j jsonb)" });
      const dup = renderBulkInsert({
        kind: "bulkInsert",
        table: "t",
        rows: Array.from({ length: 30_000 }, (_, i) => ({ id: i % 20_000, j: "{}" })),
      }, { copy: true });
      await assert.rejects(
        db.transaction(async (tx) => {
          for (const s of dup) await tx.execute(s);
        }),
        /duplicate key value violates unique constraint/,
      );
      // Rejected only at the end of the data: the error must still arrive.
      const late = renderBulkInsert({ kind: "bulkInsert", table: "t", rows: [{ id: 1, j: "{" }] }, {
        copy: true,
      });
      await assert.rejects(
        db.transaction(async (tx) => {
          for (const s of late) await tx.execute(s);
        }),
        /invalid input syntax for type json/,
      );
      assert.deepEqual(await db.query("SELECT count(*)::int AS n FROM t"), [{ n: 0 }]);
      // The session is usable afterwards.
      await db.transaction(async (tx) => {
        for (
          const s of renderBulkInsert({
            kind: "bulkInsert",
            table: "t",
            rows: [{ id: 7, j: "[]" }],
          }, {
            copy: true,
          })
        ) await tx.execute(s);
      });
      assert.deepEqual(await db.query("SELECT id FROM t"), [{ id: 7 }]);
    } finally {
      await db.close();
      await created.drop();
    }
  },
});

const STREAMED = 25_000;

Deno.test("bulkInsert streams an async iterable in chunks, live, leaving missing keys to their defaults", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("events", {
          id: { type: "integer", primaryKey: true },
          kind: { type: "text", nullable: false, default: "plain" },
          payload: { type: "json" },
        });
        async function* rows() {
          for (let id = 1; id <= STREAMED; id++) {
            // Every 1,000th row leaves "kind" out: that row gets the default.
            yield id % 1_000 === 0
              ? { id, payload: { n: id } }
              : { id, kind: id % 2 ? "odd" : "even", payload: { n: id } };
            if (id % 5_000 === 0) await Promise.resolve();
          }
        }
        await op.bulkInsert("events", rows(), { columns: ["id", "kind", "payload"] });
      },
    });
    const [stats] = await db.rows(
      "SELECT count(*) AS n, sum(id) AS s, " +
        "sum(CASE WHEN kind = 'plain' THEN 1 ELSE 0 END) AS plain FROM events",
    );
    assert.equal(Number(stats?.n), STREAMED);
    assert.equal(Number(stats?.s), (STREAMED * (STREAMED + 1)) / 2);
    assert.equal(Number(stats?.plain), STREAMED / 1_000);
    const [last] = await db.rows(
      "SELECT kind, payload FROM events WHERE id = ?".replace(
        "?",
        db.dialect.name === "postgres" ? "$1" : "?",
      ),
      [STREAMED - 1],
    );
    assert.equal(last?.kind, "odd");
    assert.deepEqual(
      typeof last?.payload === "string" ? JSON.parse(last.payload) : last?.payload,
      { n: STREAMED - 1 },
    );
  });
});

Deno.test("bulkInsert of a generator fails the step naming the row whose keys differ, and keeps no chunk it wrote", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({ upgrade: (op) => op.createTable("t", { a: { type: "integer" } }) }, "up", "r1");
    await assert.rejects(
      db.run(
        {
          async upgrade(op) {
            function* rows() {
              // The first 50,000-row chunk is written before the bad row is read: it must roll back.
              for (let a = 1; a <= 70_000; a++) yield a === 61_234 ? { a, b: 1 } : { a };
            }
            await op.bulkInsert("t", rows());
          },
        },
        "up",
        "r2",
      ),
      /row 61234 has column "b", which the first row does not have/,
    );
    assert.equal(Number((await db.rows("SELECT count(*) AS n FROM t"))[0]?.n), 0);
  });
});

Deno.test("bulkInsert of an async iterable under --sql writes portable INSERTs with every row", async (t) => {
  const rows = 2_500;
  const p = await makeProject({
    "a1.ts": migrationSource(
      "a1",
      null,
      `await op.createTable("items", { id: { type: "integer", primaryKey: true }, name: { type: "text" } });
  async function* rows() {
    for (let id = 1; id <= ${rows}; id++) yield { id, name: "it's\\t" + id };
  }
  await op.bulkInsert("items", rows(), { chunkSize: 1000 });`,
    ),
  });
  try {
    for (const dialect of ["sqlite", "postgres"] as const) {
      await t.step(dialect, async () => {
        const config = await resolveConfig(
          { url: "sqlite::memory:", dir: p.migrations },
          {},
          p.dir,
        );
        const text = await runOffline(new Migrator(config, { dialect }), "up", "head");
        assert.doesNotMatch(text, /\bCOPY\b/);
        const values = text.match(/\(\d+, '[^']*(?:''[^']*)*'\)/g) ?? [];
        assert.equal(values.length, rows);
        if (dialect === "sqlite") {
          const dbPath = join(p.dir, "offline.db");
          const out = await new Deno.Command("sqlite3", {
            args: ["-bail", dbPath],
            stdin: "piped",
            stdout: "piped",
            stderr: "piped",
          }).spawn();
          const w = out.stdin.getWriter();
          await w.write(
            new TextEncoder().encode(text + "\nSELECT count(*), max(name) FROM items;\n"),
          );
          await w.close();
          const res = await out.output();
          assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
          assert.equal(new TextDecoder().decode(res.stdout).trim(), `${rows}|it's\t999`);
        }
      });
    }
  } finally {
    await p.cleanup();
  }
});
