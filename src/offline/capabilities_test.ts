/**
 * The offline writer takes its framing from the dialect and its behaviour
 * from the engine's capabilities: variants of the real SQLite engine with one
 * answer changed write different scripts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveConfig } from "../config/resolve.ts";
import type { Capabilities, Engine } from "../dialects/engine.ts";
import type { ScriptSql } from "../dialects/dialect.ts";
import type { DialectName } from "../dialects/registry.ts";
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
import { rejectsWith } from "../drivers/_test_helpers.ts";
import { MigrationError, StrataError } from "../errors.ts";
import { Migrator } from "../runner/migrator.ts";
import { type OfflineRunOptions, runOffline } from "./run_offline.ts";

const FILES: Record<string, string> = {
  "a1_create.ts": `export const revision = "a1";
export const downRevision = null;
export const message = "create";
// deno-lint-ignore no-explicit-any
export async function upgrade(op: any) {
  await op.createTable("t", { id: { type: "integer", primaryKey: true }, name: { type: "text" } });
}
`,
  // On SQLite, NOT NULL on an existing column is a table rebuild, which reads the table's shape.
  "b2_not_null.ts": `export const revision = "b2";
export const downRevision = "a1";
export const message = "not null";
// deno-lint-ignore no-explicit-any
export async function upgrade(op: any) {
  await op.alterColumn("t", "name", { nullable: false });
}
`,
};

function variant(
  capabilities: Partial<Capabilities>,
  script: Partial<ScriptSql> = {},
): Engine<DialectName> {
  return {
    ...sqliteEngine,
    dialect: { ...sqliteEngine.dialect, script: { ...sqliteEngine.dialect.script, ...script } },
    capabilities: { ...sqliteEngine.capabilities, ...capabilities },
  };
}

async function offline(
  engine: Engine<DialectName>,
  range: string,
  options: OfflineRunOptions = {},
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "strata_offline_" });
  try {
    await Deno.mkdir(join(dir, "migrations"));
    for (const [name, text] of Object.entries(FILES)) {
      await Deno.writeTextFile(join(dir, "migrations", name), text);
    }
    // The URL is never opened: an offline run does not connect.
    const config = await resolveConfig({ url: "sqlite:never-created.db" }, {}, dir);
    const text = await runOffline(new Migrator(config, { engine }), "up", range, options);
    assert.equal(await Deno.stat(join(dir, "never-created.db")).catch(() => null), null);
    return text;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const lines = (text: string, line: string) => text.split("\n").filter((l) => l === line).length;

Deno.test("runOffline() frames each migration with the dialect's own BEGIN and COMMIT", async () => {
  const plain = await offline(sqliteEngine, "base:head");
  assert.equal(lines(plain, "BEGIN;"), 2);
  assert.equal(lines(plain, "COMMIT;"), 2);
  const own = await offline(variant({}, { begin: "BEGIN TRANSACTION", commit: "END" }), "head");
  assert.equal(lines(own, "BEGIN TRANSACTION;"), 2);
  assert.equal(lines(own, "END;"), 2);
  assert.equal(lines(own, "BEGIN;"), 0);
  const run = await offline(sqliteEngine, "head", { transactionPer: "run" });
  assert.equal(lines(run, "BEGIN;"), 1);
});

Deno.test("runOffline() writes no transaction framing for an engine without transactional DDL", async () => {
  const engine = variant({ transactionalDdl: false });
  const text = await offline(engine, "head");
  assert.equal(lines(text, "BEGIN;") + lines(text, "COMMIT;"), 0);
  // The same statements are there, only unframed (a1 renders nothing that
  // depends on being in a transaction; a rebuild would clean up differently).
  const unframed = await offline(engine, "a1");
  const framed = await offline(sqliteEngine, "a1");
  assert.equal(
    unframed,
    framed.split("\n").filter((l) => l !== "BEGIN;" && l !== "COMMIT;").join("\n"),
  );
  const err = await rejectsWith(
    () => offline(engine, "head", { transactionPer: "run" }),
    StrataError,
    "Cannot write one transaction for the run: SQLite has no transactional DDL",
  );
  assert.equal(err.exitCode, 2);
});

Deno.test("runOffline() replays into the engine's shadow so a rebuild can read the table, and refuses without one", async () => {
  const replayed = await offline(sqliteEngine, "a1:b2");
  assert.match(replayed, /Running upgrade a1 -> b2: not null/);
  assert.match(replayed, /name TEXT NOT NULL/i);
  const err = await rejectsWith(
    () => offline(variant({ shadow: { kind: "none" } }), "a1:b2"),
    MigrationError,
    'at op.alterColumn("t", "name"): Introspection needs a live database',
  );
  assert.equal(err.exitCode, 2);
});
