/**
 * The runner's plan-and-apply on a real in-memory SQLite database: the steps
 * a target plans are the steps applied, in order, each with its version rows
 * and history row; a failure stops at the last committed migration.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { rejectsWith } from "../drivers/_test_helpers.ts";
import { GraphError, MigrationError } from "../errors.ts";
import { readHistory } from "./history.ts";
import { type AppliedStep, Migrator } from "./migrator.ts";

interface Rev {
  revision: string;
  down: string | string[] | null;
  /** Body of `upgrade(op)`; default: create table `t_<revision>`. */
  up?: string;
  /** Body of `downgrade(op)`; default: drop that table. */
  down_?: string;
  transactional?: boolean;
}

/**
 * The graph used below:
 *
 *   a1 ─┬─ b2 ─┬─ m4 ── d5
 *       └─ c3 ─┘
 */
const DIAMOND: Rev[] = [
  { revision: "a1", down: null },
  { revision: "b2", down: "a1" },
  { revision: "c3", down: "a1" },
  { revision: "m4", down: ["b2", "c3"], up: "", down_: "" },
  { revision: "d5", down: "m4" },
];

function source(r: Rev): string {
  const table = `t_${r.revision}`;
  const up = r.up ?? `await op.createTable("${table}", { id: { type: "integer" } });`;
  const down = r.down_ ?? `await op.dropTable("${table}");`;
  return `export const revision = "${r.revision}";
export const downRevision = ${JSON.stringify(r.down)};
export const message = "step ${r.revision}";
${r.transactional === false ? "export const transactional = false;\n" : ""}
// deno-lint-ignore no-explicit-any
export async function upgrade(op: any) { ${up} }
// deno-lint-ignore no-explicit-any
export async function downgrade(op: any) { ${down} }
`;
}

/** Writes the revisions to a temp migrations dir and runs `fn` with a migrator on it. */
async function withMigrator(
  revs: Rev[],
  fn: (m: Migrator, steps: AppliedStep[], dir: string) => Promise<void>,
  url = "sqlite::memory:",
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "strata_apply_" });
  const steps: AppliedStep[] = [];
  const m = new Migrator({ url, dir, cwd: dir }, { onStep: (s) => steps.push(s) });
  try {
    for (const r of revs) await Deno.writeTextFile(join(dir, `${r.revision}.ts`), source(r));
    await fn(m, steps, dir);
  } finally {
    await m.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The user tables in the database (Strata's own and SQLite's left out). */
async function userTables(m: Migrator): Promise<string[]> {
  const rows = await (await m.driver()).query(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' ESCAPE '\\' ORDER BY name",
  );
  return rows.map((r) => String(r.name));
}

Deno.test("Migrator.upgrade() and downgrade() apply exactly the planned steps and keep one version row per head", async () => {
  await withMigrator(DIAMOND, async (m, steps) => {
    const run = async (fn: () => Promise<AppliedStep[]>) => {
      steps.length = 0;
      const applied = await fn();
      assert.deepEqual(steps, applied, "onStep saw other steps than the call returned");
      return applied.map((s) => `${s.direction} ${s.revision}`);
    };
    assert.deepEqual(await run(() => m.upgrade("b2")), ["up a1", "up b2"]);
    assert.deepEqual(await m.current(), ["b2"]);
    // A second branch: two version rows, as Alembic keeps them.
    assert.deepEqual(await run(() => m.upgrade("c3")), ["up c3"]);
    assert.deepEqual(await m.current(), ["b2", "c3"]);
    // The merge replaces both rows with one.
    assert.deepEqual(await run(() => m.upgrade("head")), ["up m4", "up d5"]);
    assert.deepEqual(await m.current(), ["d5"]);
    assert.deepEqual(await userTables(m), ["t_a1", "t_b2", "t_c3", "t_d5"]);
    // Nothing pending: no step runs.
    assert.deepEqual(await run(() => m.upgrade("head")), []);
    // Down to one side of the merge: the other side stays applied, with its row.
    assert.deepEqual(await run(() => m.downgrade("b2")), ["down d5", "down m4"]);
    assert.deepEqual(await m.current(), ["b2", "c3"]);
    assert.deepEqual(await run(() => m.downgrade("base")), ["down c3", "down b2", "down a1"]);
    assert.deepEqual(await m.current(), []);
    assert.deepEqual(await userTables(m), []);
  });
});

Deno.test("Migrator reports each step's parents and message to onStep", async () => {
  await withMigrator(DIAMOND, async (m, steps) => {
    await m.upgrade("head");
    const m4 = steps.find((s) => s.revision === "m4");
    assert.deepEqual(m4?.parents, ["b2", "c3"]);
    assert.equal(m4?.message, "step m4");
    assert.deepEqual(steps[0]?.parents, []);
    assert(steps.every((s) => s.durationMs >= 0));
  });
});

Deno.test("Migrator writes one history row per step, in order, with the file's checksum", async () => {
  await withMigrator(DIAMOND.slice(0, 2), async (m) => {
    await m.upgrade("head");
    await m.downgrade("-1");
    const history = await readHistory(await m.driver(), m.dialect, m.config.historyTable);
    assert.deepEqual(history.map((h) => `${h.direction} ${h.revision}`), [
      "up a1",
      "up b2",
      "down b2",
    ]);
    const scripts = new Map((await m.scripts()).map((s) => [s.revision, s.checksum]));
    assert.equal(history[0]?.checksum, scripts.get("a1"));
    assert.match(history[0]?.checksum ?? "", /^crc32n:[0-9a-f]{8}$/);
  });
});

Deno.test("Migrator.upgrade() stops at the last committed migration when a later one fails", async () => {
  const revs: Rev[] = [
    { revision: "a1", down: null },
    { revision: "b2", down: "a1" },
    {
      revision: "c3",
      down: "b2",
      up: `await op.createTable("t_c3", { id: { type: "integer" } });
        await op.execute("INSERT INTO no_such_table VALUES (1)");`,
    },
    { revision: "d4", down: "c3" },
  ];
  await withMigrator(revs, async (m, steps) => {
    const err = await rejectsWith(() => m.upgrade("head"), MigrationError, "Upgrade c3");
    assert.equal(err.revision, "c3");
    assert.equal(err.exitCode, 1);
    assert.deepEqual(steps.map((s) => s.revision), ["a1", "b2"]);
    assert.deepEqual(await m.current(), ["b2"]);
    // c3's table went with its rollback; d4 never ran.
    assert.deepEqual(await userTables(m), ["t_a1", "t_b2"]);
    const history = await readHistory(await m.driver(), m.dialect, m.config.historyTable);
    assert.deepEqual(history.map((h) => h.revision), ["a1", "b2"]);
  });
});

Deno.test("Migrator refuses a downgrade through a migration without downgrade() before any step runs", async () => {
  const revs: Rev[] = [
    { revision: "a1", down: null },
    { revision: "b2", down: "a1" },
  ];
  await withMigrator(revs, async (m, steps, dir) => {
    // a1 without downgrade(): its file ends after upgrade.
    const a1 = source(revs[0]!);
    await Deno.writeTextFile(join(dir, "a1.ts"), a1.slice(0, a1.lastIndexOf("// deno-lint")));
    await m.upgrade("head");
    steps.length = 0;
    await rejectsWith(() => m.downgrade("base"), MigrationError, "has no downgrade()");
    assert.deepEqual(steps, []);
    assert.deepEqual(await m.current(), ["b2"], "b2 was reverted before the refusal");
    assert.deepEqual(await userTables(m), ["t_a1", "t_b2"]);
  });
});

Deno.test("Migrator runs a transactional = false migration statement by statement: a failure keeps what ran, without its row", async () => {
  const revs: Rev[] = [
    { revision: "a1", down: null },
    { revision: "b2", down: "a1", transactional: false },
  ];
  await withMigrator(revs, async (m) => {
    assert.deepEqual((await m.upgrade("head")).map((s) => s.revision), ["a1", "b2"]);
    assert.deepEqual(await m.current(), ["b2"]);
    assert.deepEqual(await userTables(m), ["t_a1", "t_b2"]);
  });
  revs[1]!.up = `await op.createTable("t_b2", { id: { type: "integer" } });
    await op.execute("INSERT INTO no_such_table VALUES (1)");`;
  await withMigrator(revs, async (m) => {
    await rejectsWith(() => m.upgrade("head"), MigrationError, "Upgrade b2");
    assert.deepEqual(await m.current(), ["a1"]);
    assert.deepEqual(await userTables(m), ["t_a1", "t_b2"]);
  });
});

Deno.test("Migrator.stamp() sets the rows without running migrations; purge replaces unknown rows", async () => {
  await withMigrator(DIAMOND, async (m, steps) => {
    assert.deepEqual(await m.stamp(["b2", "c3"]), ["b2", "c3"]);
    assert.deepEqual(await m.stamp(["d5"]), ["d5"]);
    assert.deepEqual(steps, []);
    assert.deepEqual(await userTables(m), []);
    const q = await m.driver();
    await q.execute({ sql: "INSERT INTO strata_version (version_num) VALUES ('gone')" });
    await rejectsWith(() => m.stamp(["a1"]), GraphError, "gone");
    assert.deepEqual(await m.current(), ["d5", "gone"]);
    assert.deepEqual(await m.stamp(["a1"], true), ["a1"]);
  });
});

Deno.test("Migrator.editedMigrations() names an applied file edited afterwards, and upgrade warns about it", async () => {
  const revs: Rev[] = [{ revision: "a1", down: null }, { revision: "b2", down: "a1" }];
  await withMigrator(revs, async (m, _steps, dir) => {
    await m.upgrade("a1");
    await Deno.writeTextFile(join(dir, "a1.ts"), source(revs[0]!) + "// edited\n");
    const warnings: string[] = [];
    const fresh = new Migrator(m.config, { onWarning: (w) => warnings.push(w) });
    try {
      assert.deepEqual(await fresh.editedMigrations(), [{
        revision: "a1",
        path: join(dir, "a1.ts"),
      }]);
      await fresh.upgrade("head");
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^migration a1 \(.*a1\.ts\) was edited after it was applied/);
      // b2 ran unedited: only a1 is named.
      assert.deepEqual((await fresh.editedMigrations()).map((e) => e.revision), ["a1"]);
    } finally {
      await fresh.close();
    }
  }, "sqlite:app.db");
});
