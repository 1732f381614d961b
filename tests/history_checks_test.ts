/**
 * Checks that must not lie (issues 9.5, 9.6): `pending` and `validate`
 * report a revision below the current one that never ran (a re-parented
 * migration) and several unmerged heads with exit 3; `validate` says when it
 * could not compare; `stamp` writes history rows; `validate --accept`
 * records a deliberate edit. Each on SQLite and PostgreSQL, the CLI run in
 * this process (`main()` with captured output).
 *
 * In this process a migration module stays cached by its path once imported,
 * so an edit that a later command imports is written under a new file name
 * (the name is not part of what Strata records).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  eachDialect,
  makeProject,
  migrationSource,
  runCliInProcess,
  type TestDb,
} from "./_helpers.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";
const C3 = "c3c3c3c3c3c3";
const X9 = "x9x9x9x9x9x9";

const table = (name: string) => `await op.createTable("${name}", { id: { type: "integer" } });`;
const drop = (name: string) => `await op.dropTable("${name}");`;

const CHAIN = {
  "a1.ts": migrationSource(A1, null, table("ta"), drop("ta")),
  "b2.ts": migrationSource(B2, A1, table("tb"), drop("tb")),
};

async function cli(db: TestDb, cwd: string, ...args: string[]) {
  const r = await runCliInProcess(["-u", db.url, ...args], { cwd });
  return { ...r, show: `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}` };
}

async function history(db: TestDb): Promise<string[]> {
  const rows = await db.query("SELECT revision, direction FROM strata_history ORDER BY id");
  return rows.map((r) => `${r.direction} ${r.revision}`);
}

Deno.test("pending and validate report a re-parented migration that never ran, and the way out works", async (t) => {
  const dbs = await Deno.makeTempDir({ prefix: "strata-test-" });
  try {
    await eachDialect(t, dbs, async (db) => {
      // A project per database: the edit below is imported (by `downgrade`) under its new name.
      const p = await makeProject(CHAIN);
      try {
        await reparented(db, p);
      } finally {
        await p.cleanup();
      }
    });
  } finally {
    await Deno.remove(dbs, { recursive: true });
  }
});

/** The body of the test above on one database, in a fresh project at a1 → b2. */
async function reparented(db: TestDb, p: { dir: string; migrations: string }): Promise<void> {
  assert.equal((await cli(db, p.dir, "upgrade", "head")).code, 0);
  // The usual fix for a branch conflict: slide the new x9 in below the applied b2.
  await Deno.writeTextFile(join(p.migrations, "x9.ts"), migrationSource(X9, A1, table("tx")));
  await Deno.remove(join(p.migrations, "b2.ts"));
  await Deno.writeTextFile(
    join(p.migrations, "b2_reparented.ts"),
    migrationSource(B2, X9, table("tb"), drop("tb")),
  );
  const pending = await cli(db, p.dir, "pending");
  assert.equal(pending.code, 3, pending.show);
  assert.match(
    pending.stdout,
    new RegExp(`^finding: revision ${X9} .* was never applied`, "m"),
  );
  assert.match(pending.stderr, /^error: 1 problem found$/m, pending.show);
  assert.match(
    pending.stderr,
    new RegExp(`^hint: to run it: \`strata downgrade ${X9}\`, \`strata stamp ${A1}\``, "m"),
  );
  const validate = await cli(db, p.dir, "validate");
  assert.equal(validate.code, 3, validate.show);
  assert.match(validate.stdout, new RegExp(`finding: revision ${X9} .* was never applied`));
  // An upgrade warns (it cannot tell what the operator wants).
  const up = await cli(db, p.dir, "upgrade");
  assert.equal(up.code, 0, up.show);
  assert.match(
    up.stderr,
    new RegExp(`^warning: revision ${X9} is below .* never applied`, "m"),
  );
  // The way out: undo what came after it, record that it never ran, upgrade.
  for (const args of [["downgrade", X9], ["stamp", A1], ["upgrade"]]) {
    const r = await cli(db, p.dir, ...args);
    assert.equal(r.code, 0, `${args.join(" ")}\n${r.show}`);
  }
  assert.deepEqual(await db.tables(), ["ta", "tb", "tx"]);
  const ok = await cli(db, p.dir, "validate");
  assert.equal(ok.code, 0, ok.show);
  const tail = (await history(db)).slice(-4);
  assert.deepEqual(tail, [`down ${B2}`, `unstamp ${X9}`, `up ${X9}`, `up ${B2}`]);
}

Deno.test("pending and validate exit 3 on several unmerged heads", async (t) => {
  const p = await makeProject({
    ...CHAIN,
    "c3.ts": migrationSource(C3, A1, table("tc"), drop("tc")),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      assert.equal((await cli(db, p.dir, "upgrade", B2)).code, 0);
      const pending = await cli(db, p.dir, "pending");
      assert.equal(pending.code, 3, pending.show);
      assert.match(
        pending.stdout,
        new RegExp(`^${C3}  m ${C3}$`, "m"),
        "what `upgrade heads` would do",
      );
      assert.match(
        pending.stdout,
        new RegExp(`finding: the graph has 2 heads \\(${B2}, ${C3}\\)`),
        pending.show,
      );
      assert.match(pending.stderr, /^hint: merge them with `strata merge heads/m);
      const validate = await cli(db, p.dir, "validate");
      assert.equal(validate.code, 3, validate.show);
      assert.match(validate.stdout, /finding: the graph has 2 heads/);
      // Naming a target is an answer: `pending heads` lists what is left, without the finding.
      const heads = await cli(db, p.dir, "pending", "heads");
      assert.equal(heads.code, 3, heads.show);
      assert.doesNotMatch(heads.stdout, /finding:/);
      assert.equal((await cli(db, p.dir, "upgrade", "heads")).code, 0);
      assert.equal((await cli(db, p.dir, "pending", "heads")).code, 0);
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("validate says when it could not compare, and leaves out what came before the history", async (t) => {
  const p = await makeProject({
    ...CHAIN,
    "c3.ts": migrationSource(C3, B2, table("tc"), drop("tc")),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      assert.equal((await cli(db, p.dir, "upgrade", "head")).code, 0);
      // A database migrated before Strata kept a history: its first rows are missing.
      await db.query(`DELETE FROM strata_history WHERE revision IN ('${A1}', '${B2}')`);
      const partial = await cli(db, p.dir, "validate");
      assert.equal(partial.code, 0, partial.show);
      assert.match(partial.stdout, /^OK: graph sound, applied migrations present, complete/m);
      // No history at all: nothing to compare with, and validate says so.
      await db.query("DELETE FROM strata_history");
      const none = await cli(db, p.dir, "validate");
      assert.equal(none.code, 0, none.show);
      assert.match(none.stdout, /^note: could not compare applied migrations with the history/m);
      const json = JSON.parse((await cli(db, p.dir, "--json", "validate")).stdout);
      assert.deepEqual([json.ok, json.compared], [true, false]);
      // stamp records the current state, after which validate compares again.
      assert.equal((await cli(db, p.dir, "stamp", "heads")).code, 0);
      const json2 = JSON.parse((await cli(db, p.dir, "--json", "validate")).stdout);
      assert.deepEqual([json2.ok, json2.compared], [true, true]);
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("stamp writes history rows in order, and an edit after a stamp is found", async (t) => {
  const p = await makeProject({
    ...CHAIN,
    "c3.ts": migrationSource(C3, B2, table("tc"), drop("tc")),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      await Deno.writeTextFile(join(p.migrations, "b2.ts"), CHAIN["b2.ts"]);
      assert.equal((await cli(db, p.dir, "stamp", B2)).code, 0);
      assert.deepEqual(await history(db), [`stamp ${A1}`, `stamp ${B2}`]);
      assert.equal((await cli(db, p.dir, "stamp", "base")).code, 0);
      assert.deepEqual((await history(db)).slice(2), [`unstamp ${A1}`, `unstamp ${B2}`]);
      assert.equal((await cli(db, p.dir, "stamp", "head")).code, 0);
      assert.equal((await history(db)).length, 7);
      const checksums = await db.query(
        "SELECT count(*) AS n FROM strata_history WHERE checksum LIKE 'crc32n:%'",
      );
      assert.equal(Number(checksums[0]?.n), 7, "every stamp row has the file's checksum");
      await Deno.writeTextFile(join(p.migrations, "b2.ts"), CHAIN["b2.ts"] + "// edited\n");
      const v = await cli(db, p.dir, "validate");
      assert.equal(v.code, 3, v.show);
      assert.match(v.stdout, new RegExp(`finding: revision ${B2} was edited after it was applied`));
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("validate --accept records a deliberate edit; it refuses what it cannot accept", async (t) => {
  const p = await makeProject({
    ...CHAIN,
    "c3.ts": migrationSource(C3, B2, table("tc"), drop("tc")),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      await Deno.writeTextFile(join(p.migrations, "b2.ts"), CHAIN["b2.ts"]);
      assert.equal((await cli(db, p.dir, "upgrade", B2)).code, 0);
      await Deno.writeTextFile(
        join(p.migrations, "b2.ts"),
        CHAIN["b2.ts"].replace("export const message", "// reviewed\nexport const message"),
      );
      const found = await cli(db, p.dir, "validate");
      assert.equal(found.code, 3, found.show);
      assert.match(found.stderr, new RegExp(`hint: .*\`strata validate --accept ${B2}\``));
      const refused = [
        [
          ["validate", "--accept", C3],
          2,
          /^error: Cannot accept "c3c3c3c3c3c3": it is not applied$/m,
        ],
        [["validate", "--accept"], 2, /^error: validate --accept needs the revisions to accept$/m],
        [["validate", B2], 2, /^error: validate takes no revisions without --accept/m],
        [["validate", "--accept", "zz"], 2, /^error: .*"zz"/m],
      ] as const;
      for (const [args, code, error] of refused) {
        const r = await cli(db, p.dir, ...args);
        assert.equal(r.code, code, `${args.join(" ")}\n${r.show}`);
        assert.match(r.stderr, error, r.show);
      }
      const accepted = await cli(db, p.dir, "validate", "--accept", B2.slice(0, 6));
      assert.equal(accepted.code, 0, accepted.show);
      assert.match(accepted.stdout, new RegExp(`^Accepted the current text of ${B2}$`, "m"));
      assert.equal((await cli(db, p.dir, "validate")).code, 0);
      assert.deepEqual((await history(db)).at(-1), `accept ${B2}`);
      // Applying, then editing again, is an edit again.
      await Deno.writeTextFile(join(p.migrations, "b2.ts"), CHAIN["b2.ts"]);
      assert.equal((await cli(db, p.dir, "validate")).code, 3);
    });
  } finally {
    await p.cleanup();
  }
});
