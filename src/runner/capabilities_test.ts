/**
 * The migrator acts on its engine's capabilities, not on its name: a variant
 * of the real SQLite engine with one capability changed runs differently on a
 * real database file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { resolveConfig } from "../config/resolve.ts";
import type { Engine } from "../dialects/engine.ts";
import type { DialectName } from "../dialects/registry.ts";
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
import { rejectsWith, throwsWith } from "../drivers/_test_helpers.ts";
import { MigrationError, UsageError } from "../errors.ts";
import { Migrator } from "./migrator.ts";

/** Creates `made`, then fails: a migration that stops half-way. */
const HALF_WAY = `export const revision = "a1";
export const downRevision = null;
export const message = "half way";
// deno-lint-ignore no-explicit-any
export async function upgrade(op: any) {
  await op.createTable("made", { id: { type: "integer", primaryKey: true } });
  await op.execute("INSERT INTO no_such_table VALUES (1)");
}
// deno-lint-ignore no-explicit-any
export async function downgrade(op: any) {
  await op.dropTable("made");
}
`;

async function withProject(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "strata_runner_" });
  try {
    await Deno.mkdir(join(dir, "migrations"));
    await Deno.writeTextFile(join(dir, "migrations", "a1_half_way.ts"), HALF_WAY);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function tables(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
      .map((r) => String(r.name));
  } finally {
    db.close();
  }
}

for (const transactionalDdl of [true, false]) {
  Deno.test(`Migrator.upgrade() with transactionalDdl ${transactionalDdl} ${transactionalDdl ? "rolls a failed migration back" : "keeps what a failed migration did, without its version row"}`, async () => {
    await withProject(async (dir) => {
      const engine: Engine<DialectName> = {
        ...sqliteEngine,
        capabilities: { ...sqliteEngine.capabilities, transactionalDdl },
      };
      const config = await resolveConfig({ url: "sqlite:app.db" }, {}, dir);
      const migrator = new Migrator(config, { engine });
      try {
        await rejectsWith(() => migrator.upgrade("head"), MigrationError, "Upgrade a1");
        assert.deepEqual(await migrator.current(), []);
      } finally {
        await migrator.close();
      }
      const left = tables(join(dir, "app.db")).filter((t) => !/^(strata|sqlite)_/.test(t));
      assert.deepEqual(left, transactionalDdl ? [] : ["made"]);
    });
  });
}

Deno.test("Migrator.backupFile() asks the engine: a file to copy, none in memory, a hint without backups", async () => {
  await withProject(async (dir) => {
    const file = new Migrator(await resolveConfig({ url: "sqlite:app.db" }, {}, dir));
    assert.equal(file.backupFile(), join(dir, "app.db"));
    const memory = new Migrator(await resolveConfig({ url: "sqlite::memory:" }, {}, dir));
    const err = throwsWith(() => memory.backupFile(), UsageError);
    assert.equal(err.message, "--backup works only with a SQLite file database");
    assert.equal(err.exitCode, 2);
    const pg = new Migrator(await resolveConfig({ url: "postgres://u:pw@localhost/db" }, {}, dir));
    const none = throwsWith(() => pg.backupFile(), UsageError);
    assert.equal(none.hint, "use pg_dump for PostgreSQL");
  });
});
