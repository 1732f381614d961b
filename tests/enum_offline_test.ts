/**
 * The enum-value ops offline: `upgrade --sql` and `downgrade --sql` of
 * migrations using every enum op, run by `psql -v ON_ERROR_STOP=1` and
 * `sqlite3 -bail`, leave the same schema, version rows and data as a live
 * run (DESIGN.md, "Offline runs"); a removal that rows of the real database
 * hold fails the script with the live run's message and changes nothing;
 * `--transaction-per run` refuses what PostgreSQL cannot run in one
 * transaction.
 *
 * @module
 */
import assert from "node:assert/strict";
import { StrataError } from "../src/errors.ts";
import { makeProject, migrationSource, runCliInProcess } from "./_helpers.ts";
import {
  assertSameDb,
  dbSnapshot,
  freshDb,
  type OfflineDb,
  runLive,
  runScript,
  runShell,
  writeScript,
} from "./_offline.ts";
import { hasPg } from "./_pg.ts";

const DIALECTS = ["sqlite", ...(hasPg() ? ["postgres" as const] : [])] as const;

/** Every enum op, each with the downgrade that undoes it. */
const FILES: Record<string, string> = {
  "a1_setup.ts": migrationSource(
    "a1a1a1a1a1a1",
    null,
    `await op.createEnum("mood", ["sad", "meh", "happy"]);
await op.createEnum("size", ["s", "m"]);
await op.createTable("people", {
  id: { type: "integer", primaryKey: true },
  mood: { type: "enum:mood", nullable: false, default: "meh" },
  name: { type: "text" },
});
await op.createTable("posts", { id: { type: "integer", primaryKey: true }, feeling: { type: "enum:mood" } });
await op.createTable("shirts", { id: { type: "integer", primaryKey: true }, size: { type: "enum:size", default: "m" } });
await op.createIndex("ix_people_name", "people", ["name"], { where: "mood <> 'sad'" });
await op.bulkInsert("people", [{ id: 1, mood: "sad", name: "it's" }, { id: 2, mood: "happy", name: "b" }, { id: 3, name: "c" }]);
await op.bulkInsert("posts", [{ id: 1, feeling: "happy" }, { id: 2, feeling: "sad" }, { id: 3 }]);
await op.bulkInsert("shirts", [{ id: 1, size: "s" }, { id: 2 }]);`,
    `await op.dropTable("shirts");
await op.dropTable("posts");
await op.dropTable("people");
await op.dropEnum("size");
await op.dropEnum("mood");`,
  ),
  "b2_add.ts": migrationSource(
    "b2b2b2b2b2b2",
    "a1a1a1a1a1a1",
    `await op.addEnumValue("mood", "ok", { before: "happy" });
await op.addEnumValue("mood", "ecstatic");
await op.addEnumValue("mood", "meh", { ifNotExists: true });
await op.addEnumValue("size", "xs", { after: "s" });`,
    `await op.dropEnumValue("size", "xs");
await op.dropEnumValue("mood", "ecstatic");
await op.dropEnumValue("mood", "ok");`,
  ),
  // Uses the values b2 added: a later migration, so a later transaction.
  "c3_rename.ts": migrationSource(
    "c3c3c3c3c3c3",
    "b2b2b2b2b2b2",
    `await op.execute("INSERT INTO posts (id, feeling) VALUES (4, 'ok'), (5, 'ecstatic')");
await op.renameEnumValue("mood", "sad", "blue");
await op.renameEnumValue("mood", "meh", "it's so-so");
await op.renameEnumValue("size", "xs", "x\\\\s");`,
    `await op.renameEnumValue("size", "x\\\\s", "xs");
await op.renameEnumValue("mood", "it's so-so", "meh");
await op.renameEnumValue("mood", "blue", "sad");
await op.execute("DELETE FROM posts WHERE id IN (4, 5)");`,
  ),
  "d4_drop.ts": migrationSource(
    "d4d4d4d4d4d4",
    "c3c3c3c3c3c3",
    `await op.execute("UPDATE posts SET feeling = 'happy' WHERE feeling = 'ecstatic'");
await op.dropEnumValue("mood", "ecstatic");
await op.alterEnum("size", ["m", "x\\\\s", "s", "l"]);
await op.execute("INSERT INTO shirts (id, size) VALUES (3, 'l')");`,
    `await op.execute("DELETE FROM shirts WHERE id = 3");
await op.alterEnum("size", ["s", "x\\\\s", "m"]);
// alterEnum, not addEnumValue: PostgreSQL can use what it adds in the same transaction.
await op.alterEnum("mood", ["blue", "it's so-so", "ok", "happy", "ecstatic"]);
await op.execute("UPDATE posts SET feeling = 'ecstatic' WHERE id = 5");`,
  ),
  "e5_reorder.ts": migrationSource(
    "e5e5e5e5e5e5",
    "d4d4d4d4d4d4",
    `await op.alterEnum("mood", ["happy", "ok", "it's so-so", "blue"]);`,
    `await op.alterEnum("mood", ["blue", "it's so-so", "ok", "happy"]);`,
  ),
};

async function withDbs(
  dialect: "sqlite" | "postgres",
  dir: string,
  n: number,
  fn: (dbs: OfflineDb[]) => Promise<void>,
): Promise<void> {
  const dbs = await Promise.all(Array.from({ length: n }, () => freshDb(dialect, dir)));
  try {
    await fn(dbs);
  } finally {
    await Promise.all(dbs.map((db) => db.drop()));
  }
}

Deno.test("enum ops: upgrade and downgrade --sql under psql / sqlite3 -bail match live runs", async (t) => {
  const p = await makeProject(FILES);
  try {
    for (const dialect of DIALECTS) {
      await t.step(dialect, async () => {
        await withDbs(dialect, p.dir, 2, async ([a, b]) => {
          const [live, scripted] = [a!, b!];
          // Through the CLI once, as a DBA would write it.
          const cli = await runCliInProcess(["upgrade", "head", "--sql", "--dialect", dialect], {
            cwd: p.dir,
          });
          assert.equal(cli.code, 0, cli.stderr);
          await runLive(live, p.dir, "upgrade", "head");
          await runScript(scripted, cli.stdout);
          await assertSameDb(live, scripted, "upgrade base:head");
          const snap = await dbSnapshot(live);
          assert.deepEqual(
            snap.schema.enums.map((e) => [e.name, e.values]),
            [["mood", ["happy", "ok", "it's so-so", "blue"]], ["size", ["m", "x\\s", "s", "l"]]],
          );
          assert.deepEqual(snap.data.posts, [
            { id: "1", feeling: "happy" },
            { id: "2", feeling: "blue" },
            { id: "3", feeling: null },
            { id: "4", feeling: "ok" },
            { id: "5", feeling: "happy" },
          ]);

          // Down step by step, each script against the live run.
          for (const [from, to] of [["head", "c3c3c3c3c3c3"], ["c3c3c3c3c3c3", "a1a1a1a1a1a1"]]) {
            const script = await writeScript(dialect, p.dir, "downgrade", `${from}:${to}`);
            await runLive(live, p.dir, "downgrade", to!);
            await runScript(scripted, script);
            await assertSameDb(live, scripted, `downgrade ${from}:${to}`);
          }
          // At a1 again: the enums are as a1 made them.
          assert.deepEqual(
            (await dbSnapshot(scripted)).schema.enums.map((e) => [e.name, e.values]),
            [["mood", ["sad", "meh", "happy"]], ["size", ["s", "m"]]],
          );
          // And up again from there.
          const again = await writeScript(dialect, p.dir, "upgrade", "a1a1a1a1a1a1:head");
          await runLive(live, p.dir, "upgrade", "head");
          await runScript(scripted, again);
          await assertSameDb(live, scripted, "upgrade a1:head");
        });
      });
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("enum ops: --transaction-per run refuses, on PostgreSQL only, a run where a migration that adds an enum value is followed by others", async (t) => {
  const p = await makeProject(FILES);
  try {
    for (const dialect of DIALECTS) {
      await t.step(dialect, async () => {
        const run = (range: string) => writeScript(dialect, p.dir, "upgrade", range, "run");
        if (dialect === "postgres") {
          const err = await run("head").then(() => undefined, (e: unknown) => e);
          assert(err instanceof StrataError);
          assert.equal(err.exitCode, 2);
          assert.equal(
            err.message,
            'Cannot write one transaction for the run: migration b2b2b2b2b2b2 adds value "ok" ' +
              'to enum "mood", and PostgreSQL cannot use a new enum value before the transaction ' +
              "commits",
          );
          assert.match(err.hint ?? "", /--transaction-per migration/);
          // The CLI says it in one line, exit 2.
          const cli = await runCliInProcess(
            ["upgrade", "head", "--sql", "--dialect", dialect, "--transaction-per", "run"],
            { cwd: p.dir },
          );
          assert.equal(cli.code, 2);
          assert.equal(cli.stdout, "");
          assert.match(cli.stderr, /^error: Cannot write one transaction for the run: /);
          // A run that ends with the migration adding the value is fine, as is one after it.
          for (const range of ["b2b2b2b2b2b2", "b2b2b2b2b2b2:head"]) {
            await withDbs(dialect, p.dir, 2, async ([a, b]) => {
              const from = range.includes(":") ? "b2b2b2b2b2b2" : undefined;
              if (from) {
                await runLive(a!, p.dir, "upgrade", from);
                await runLive(b!, p.dir, "upgrade", from);
              }
              await runScript(b!, await run(range));
              await runLive(a!, p.dir, "upgrade", range.split(":").at(-1)!);
              await assertSameDb(a!, b!, `upgrade ${range} --transaction-per run`);
            });
          }
          return;
        }
        // SQLite has no such limit: the whole run in one transaction matches live.
        await withDbs(dialect, p.dir, 2, async ([a, b]) => {
          await runScript(b!, await run("head"));
          await runLive(a!, p.dir, "upgrade", "head");
          await assertSameDb(a!, b!, "upgrade head --transaction-per run");
        });
      });
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("enum ops: a --sql removal of a value the database's rows hold fails under the shell, naming it, and changes nothing", async (t) => {
  const p = await makeProject({
    "a1_setup.ts": FILES["a1_setup.ts"]!,
    "f6_drop.ts": migrationSource(
      "f6f6f6f6f6f6",
      "a1a1a1a1a1a1",
      `await op.execute("UPDATE people SET mood = 'meh' WHERE mood = 'sad'");
await op.execute("DELETE FROM posts WHERE id = 2");
await op.alterEnum("mood", ["meh", "happy"]);`,
    ),
  });
  try {
    for (const dialect of DIALECTS) {
      await t.step(dialect, async () => {
        await withDbs(dialect, p.dir, 1, async ([db]) => {
          await runLive(db!, p.dir, "upgrade", "a1a1a1a1a1a1");
          // A row the migrations do not know about: the script is written from
          // the migrations alone (SQLite's shadow has only their rows).
          await db!.query("INSERT INTO posts (id, feeling) VALUES (7, 'sad')");
          const script = await writeScript(dialect, p.dir, "upgrade", "a1a1a1a1a1a1:head");
          const before = await dbSnapshot(db!);
          const r = await runShell(db!, script);
          assert.notEqual(r.code, 0);
          assert.ok(
            r.stderr.includes(
              'Cannot remove value "sad" from enum "mood": column "posts.feeling" holds it',
            ),
            r.stderr,
          );
          assert.deepEqual(await dbSnapshot(db!), before, "the failed script changed nothing");
          // Live, the same message.
          const err = await runLive(db!, p.dir, "upgrade", "head").then(
            () => undefined,
            (e: unknown) => e,
          );
          assert(err instanceof StrataError);
          assert.match(
            err.message,
            /: Cannot remove value "sad" from enum "mood": column "posts\.feeling" holds it$/,
          );
          assert.deepEqual(await dbSnapshot(db!), before);
        });
      });
    }
  } finally {
    await p.cleanup();
  }
});
