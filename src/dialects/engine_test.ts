/**
 * Each engine's capabilities say what its real database and driver do: the
 * runner, the offline writer and the CLI act on them without comparing names,
 * so a wrong answer here would be a wrong run there.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { createPgDatabase, hasPg } from "../../tests/_pg.ts";
import { parseDatabaseUrl } from "../config/url.ts";
import type { Driver } from "../drivers/driver.ts";
import { LockTimeoutError } from "../errors.ts";
import { rejectsWith } from "../drivers/_test_helpers.ts";
import type { LockKind } from "./engine.ts";
import { ENGINES, type RegisteredEngine } from "./registry.ts";

/** A fresh database of `engine` that two drivers can open; `undefined` without PostgreSQL. */
async function freshUrl(
  engine: RegisteredEngine,
  dir: string,
): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  if (engine.name === "sqlite") {
    return { url: `sqlite:${join(dir, "app.db")}`, drop: () => Promise.resolve() };
  }
  if (!hasPg()) return undefined;
  return await createPgDatabase("engine");
}

async function open(engine: RegisteredEngine, url: string): Promise<Driver> {
  return await engine.openDriver(parseDatabaseUrl(url, Deno.cwd()), { readOnly: false });
}

/**
 * How to see each lock kind from outside the driver while `db` holds the
 * lock. A new kind does not compile until it has a check here.
 */
const LOCK_EVIDENCE: Record<LockKind, (db: Driver, url: string) => Promise<void>> = {
  async file(_db, url) {
    const parsed = parseDatabaseUrl(url, Deno.cwd());
    assert(parsed.dialect === "sqlite");
    const file = await Deno.open(`${parsed.path}.strata-lock`, { read: true, write: true });
    try {
      assert.equal(file.tryLockSync(true), false, "the lock file is locked by the holder");
    } finally {
      file.close();
    }
  },
  async advisory(db) {
    const rows = await db.query(
      "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()",
    );
    // Two keys: the bare name as given, and the name it resolves to (public.strata_version).
    assert.equal(Number(rows[0]?.n), 2);
  },
  table() {
    return Promise.reject(new Error("no registered engine has a table lock yet"));
  },
};

for (const engine of ENGINES) {
  Deno.test(`${engine.name}: capabilities.lock (${engine.capabilities.lock}) is the lock its driver takes`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "strata_engine_" });
    const db = await freshUrl(engine, dir);
    try {
      if (!db) return;
      const one = await open(engine, db.url);
      const two = await open(engine, db.url);
      try {
        const release = await one.lock("strata_version", { timeoutMs: 1000 });
        await LOCK_EVIDENCE[engine.capabilities.lock](one, db.url);
        await rejectsWith(() => two.lock("strata_version", { timeoutMs: 0 }), LockTimeoutError);
        await release();
        await (await two.lock("strata_version", { timeoutMs: 1000 }))();
      } finally {
        await one.close();
        await two.close();
        await db.drop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`${engine.name}: capabilities.transactionalDdl (${engine.capabilities.transactionalDdl}) matches a rolled-back CREATE TABLE`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "strata_engine_" });
    const db = await freshUrl(engine, dir);
    try {
      if (!db) return;
      const d = await open(engine, db.url);
      try {
        const create = await engine.dialect.historySql.create("ddl_probe");
        await assert.rejects(d.transaction(async (tx) => {
          for (const s of create) await tx.execute(s);
          throw new Error("roll back");
        }));
        const probe = engine.dialect.versionSql.exists("ddl_probe");
        const left = (await d.query(probe.sql, probe.params ?? [])).length > 0;
        assert.equal(left, !engine.capabilities.transactionalDdl);
      } finally {
        await d.close();
        await db.drop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("sqlite: the backup capability copies the database file consistently, and refuses :memory:", async () => {
  const engine = ENGINES.find((e) => e.capabilities.backup.kind === "copyFile")!;
  const { backup } = engine.capabilities;
  assert(backup.kind === "copyFile");
  assert.equal(backup.file(parseDatabaseUrl("sqlite::memory:", "/srv")), undefined);
  const dir = await Deno.makeTempDir({ prefix: "strata_engine_" });
  try {
    const url = parseDatabaseUrl(`sqlite:${join(dir, "app.db")}`, "/srv");
    assert.equal(backup.file(url), join(dir, "app.db"));
    const d = await engine.openDriver(url, { readOnly: false });
    try {
      await d.execute({ sql: "CREATE TABLE t (a integer); INSERT INTO t VALUES (1), (2)" });
      await d.execute(backup.statement(join(dir, "copy.db")));
    } finally {
      await d.close();
    }
    const copy = new DatabaseSync(join(dir, "copy.db"), { readOnly: true });
    try {
      assert.deepEqual(copy.prepare("SELECT a FROM t ORDER BY a").all().map((r) => r.a), [1, 2]);
    } finally {
      copy.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a replay shadow is a fresh, writable, private database each time it is opened", async () => {
  for (const engine of ENGINES) {
    const { shadow } = engine.capabilities;
    if (shadow.kind !== "replay") continue;
    const a = await shadow.open();
    const b = await shadow.open();
    try {
      assert.deepEqual(await engine.dialect.introspect(a), await engine.dialect.introspect(b));
      for (const s of await engine.dialect.historySql.create("replayed")) await a.execute(s);
      assert.equal((await engine.dialect.introspect(a)).tables.length, 1);
      assert.equal((await engine.dialect.introspect(b)).tables.length, 0, "shadows are private");
    } finally {
      await a.close();
      await b.close();
    }
  }
});
