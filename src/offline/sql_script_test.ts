/**
 * The offline writer on its own: header, transaction framing, version and
 * history rows, determinism. Scripts are checked by their text where the
 * text is the contract (header, framing) and by running them on a real
 * SQLite database where the effect is (version rows, history rows).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { MigrationModule, Op } from "../changes/op.ts";
import type { Engine } from "../dialects/engine.ts";
import { postgresEngine } from "../dialects/postgres/mod.ts";
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
import { rejectsWith } from "../drivers/_test_helpers.ts";
import { MigrationError, StrataError } from "../errors.ts";
import { planDowngrade, planUpgrade, type Step } from "../graph/plan.ts";
import { RevisionMap } from "../graph/revision_map.ts";
import { scriptFromSource } from "../script/discover.ts";
import type { Script } from "../script/script.ts";
import { VERSION } from "../version.ts";
import { type OfflineOptions, renderOfflineScript } from "./sql_script.ts";

interface Rev {
  revision: string;
  down: string | string[] | null;
  transactional?: boolean;
  upgrade?: (op: Op) => Promise<void>;
  downgrade?: (op: Op) => Promise<void>;
}

const table = (op: Op, name: string) => op.createTable(name, { id: { type: "integer" } });

/** a1 ─┬─ b2 ─┬─ m4, each creating its table (m4 only merges). */
const DIAMOND: Rev[] = [
  { revision: "a1", down: null },
  { revision: "b2", down: "a1" },
  { revision: "c3", down: "a1" },
  { revision: "m4", down: ["b2", "c3"], upgrade: async () => {}, downgrade: async () => {} },
];

/** Scripts (read from header text, as discovery does) and modules for `revs`. */
function project(revs: Rev[]) {
  const scripts = new Map<string, Script>();
  const modules = new Map<string, MigrationModule>();
  for (const r of revs) {
    const header = `export const revision = "${r.revision}";\n` +
      `export const downRevision = ${JSON.stringify(r.down)};\n` +
      `export const message = "step ${r.revision}";\n` +
      (r.transactional === false ? "export const transactional = false;\n" : "");
    scripts.set(r.revision, scriptFromSource(`/m/${r.revision}.ts`, header)!);
    modules.set(r.revision, {
      revision: r.revision,
      downRevision: r.down,
      ...(r.transactional === false ? { transactional: false } : {}),
      upgrade: r.upgrade ?? ((op) => table(op, `t_${r.revision}`)),
      downgrade: r.downgrade ?? ((op) => op.dropTable(`t_${r.revision}`)),
    });
  }
  return { scripts, modules, map: RevisionMap.build([...scripts.values()]) };
}

function render(
  revs: Rev[],
  plan: { steps: Step[]; replay?: Step[]; range: string },
  options: Partial<OfflineOptions> = {},
): Promise<string> {
  const { scripts, modules } = project(revs);
  return renderOfflineScript({
    engine: sqliteEngine,
    replay: plan.replay ?? [],
    steps: plan.steps,
    scripts,
    modules,
    versionTable: "strata_version",
    historyTable: "strata_history",
    transactionPer: "migration",
    range: plan.range,
    ...options,
  });
}

/** Runs a script on a real SQLite database and reads Strata's tables back. */
function runOn(db: DatabaseSync, script: string): { rows: string[]; history: string[] } {
  db.exec(script);
  const rows = db.prepare("SELECT version_num FROM strata_version ORDER BY 1").all();
  const history = db.prepare("SELECT direction, revision FROM strata_history ORDER BY rowid").all();
  return {
    rows: rows.map((r) => String(r.version_num)),
    history: history.map((r) => `${r.direction} ${r.revision}`),
  };
}

/** The lines of each migration's block, by revision (from its `-- Running` comment on). */
function blocks(script: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of script.split("\n")) {
    const m = /^-- Running upgrade .* -> ([^:]+):/.exec(line) ??
      /^-- Running downgrade ([^ ,]+)(?:, [^ ]+)* ->/.exec(line);
    if (m) out.set(m[1]!, current = []);
    else if (current && line !== "") current.push(line);
  }
  return out;
}

Deno.test("renderOfflineScript() opens with a header naming Strata, the dialect and the range, and no timestamp unless asked", async () => {
  const { map } = project(DIAMOND);
  const plan = { steps: planUpgrade(map, [], "heads"), range: "upgrade base:heads" };
  const text = await render(DIAMOND, plan);
  assert.deepEqual(text.split("\n").slice(0, 4), [
    `-- Strata ${VERSION} offline migration script`,
    "-- dialect: sqlite",
    "-- range: upgrade base:heads",
    "",
  ]);
  assert.doesNotMatch(text, /generated/);
  // Deterministic: the same plan writes the same bytes.
  assert.equal(await render(DIAMOND, plan), text);
  const stamped = await render(DIAMOND, plan, { timestamp: new Date("2024-05-06T07:08:09Z") });
  assert.equal(stamped.split("\n")[3], "-- generated: 2024-05-06T07:08:09.000Z");
  assert.equal(stamped.replace("-- generated: 2024-05-06T07:08:09.000Z\n", ""), text);
});

Deno.test("renderOfflineScript() writes the preamble and Strata's own tables before the first migration, outside any transaction", async () => {
  const { map } = project(DIAMOND);
  const text = await render(DIAMOND, { steps: planUpgrade(map, [], "a1"), range: "upgrade a1" });
  const body = text.split("\n").slice(4);
  const first = body.findIndex((l) => l.startsWith("-- Running"));
  const before = body.slice(0, first).filter((l) => l !== "");
  assert.equal(before[0], "PRAGMA foreign_keys = OFF;");
  assert(
    before.some((l) => /^CREATE TABLE (IF NOT EXISTS )?strata_version\b/.test(l)),
    before.join("\n"),
  );
  assert(
    before.some((l) => /^CREATE TABLE (IF NOT EXISTS )?strata_history\b/.test(l)),
    before.join("\n"),
  );
  assert(!before.includes("BEGIN;"));
});

Deno.test("renderOfflineScript() frames each transactional migration in BEGIN/COMMIT and leaves a transactional = false one bare", async () => {
  const revs: Rev[] = [
    { revision: "a1", down: null },
    { revision: "b2", down: "a1", transactional: false },
    { revision: "c3", down: "b2" },
  ];
  const { map } = project(revs);
  const text = await render(revs, { steps: planUpgrade(map, [], "head"), range: "upgrade head" });
  const by = blocks(text);
  assert.deepEqual([...by.keys()], ["a1", "b2", "c3"]);
  for (const rev of ["a1", "c3"]) {
    const lines = by.get(rev)!;
    assert.equal(lines[0], "BEGIN;", `${rev} opens no transaction`);
    assert.equal(lines.at(-1), "COMMIT;", `${rev} is not committed last`);
    assert.equal(lines.filter((l) => l === "BEGIN;" || l === "COMMIT;").length, 2);
  }
  assert.deepEqual(by.get("b2")!.filter((l) => l === "BEGIN;" || l === "COMMIT;"), []);
  assert(by.get("b2")!.some((l) => l.startsWith("CREATE TABLE t_b2")));
  // The script runs and leaves the version row where a live run would.
  const db = new DatabaseSync(":memory:");
  try {
    assert.deepEqual(runOn(db, text), { rows: ["c3"], history: ["up a1", "up b2", "up c3"] });
  } finally {
    db.close();
  }
});

Deno.test("renderOfflineScript() with transactionPer run writes one BEGIN before everything and one COMMIT at the end", async () => {
  const { map } = project(DIAMOND);
  const steps = planUpgrade(map, [], "head");
  const text = await render(DIAMOND, { steps, range: "upgrade head" }, { transactionPer: "run" });
  const lines = text.split("\n").filter((l) => l !== "" && !l.startsWith("--"));
  assert.deepEqual(lines.slice(0, 2), ["PRAGMA foreign_keys = OFF;", "BEGIN;"]);
  assert.equal(lines.at(-1), "COMMIT;");
  assert.equal(lines.filter((l) => l === "BEGIN;").length, 1);
  assert.equal(lines.filter((l) => l === "COMMIT;").length, 1);

  const bare: Rev[] = [{ revision: "a1", down: null }, {
    revision: "b2",
    down: "a1",
    transactional: false,
  }];
  const err = await rejectsWith(
    () =>
      render(bare, { steps: planUpgrade(project(bare).map, [], "head"), range: "upgrade head" }, {
        transactionPer: "run",
      }),
    StrataError,
    "Migration b2 has transactional = false and cannot run inside --transaction-per run",
  );
  assert.equal(err.exitCode, 2);
});

Deno.test("renderOfflineScript() writes version and history rows that take a database through a branch, a merge and back", async () => {
  const { map } = project(DIAMOND);
  const db = new DatabaseSync(":memory:");
  try {
    // Up to b2, then the rest from there: the second script replays base → b2
    // silently and writes only what is left.
    const first = await render(DIAMOND, { steps: planUpgrade(map, [], "b2"), range: "upgrade b2" });
    assert.deepEqual(runOn(db, first), { rows: ["b2"], history: ["up a1", "up b2"] });
    const replay = planUpgrade(map, [], "b2");
    const rest = await render(DIAMOND, {
      replay,
      steps: planUpgrade(map, ["b2"], "head"),
      range: "upgrade b2:head",
    });
    assert.deepEqual([...blocks(rest).keys()], ["c3", "m4"]);
    assert.doesNotMatch(rest, /CREATE TABLE t_a1/);
    const up = runOn(db, rest);
    assert.deepEqual(up.rows, ["m4"]);
    assert.deepEqual(up.history.slice(2), ["up c3", "up m4"]);
    // Down to b2: the merge unmerges into both parents, c3 stays applied.
    const down = await render(DIAMOND, {
      replay: planUpgrade(map, [], "head"),
      steps: planDowngrade(map, ["m4"], "b2"),
      range: "downgrade m4:b2",
    });
    assert.deepEqual([...blocks(down).keys()], ["m4"]);
    assert.deepEqual(runOn(db, down).rows, ["b2", "c3"]);
    const base = await render(DIAMOND, {
      replay: planUpgrade(map, [], "heads").filter((s) => s.revision !== "m4"),
      steps: planDowngrade(map, ["b2", "c3"], "base"),
      range: "downgrade b2,c3:base",
    });
    const end = runOn(db, base);
    assert.deepEqual(end.rows, []);
    assert.deepEqual(end.history.slice(-3), ["down c3", "down b2", "down a1"]);
    const left = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 't\\_%' ESCAPE '\\'")
      .all();
    assert.deepEqual(left, []);
  } finally {
    db.close();
  }
});

Deno.test("renderOfflineScript() refuses op.query() under --sql, naming the migration (exit 2)", async () => {
  const revs: Rev[] = [{
    revision: "a1",
    down: null,
    upgrade: async (op) => {
      await op.query("SELECT 1");
    },
  }];
  const { map } = project(revs);
  const err = await rejectsWith(
    () => render(revs, { steps: planUpgrade(map, [], "head"), range: "upgrade head" }),
    MigrationError,
    "op.query() needs a live database and cannot run under --sql",
  );
  assert.equal(err.revision, "a1");
  assert.equal(err.exitCode, 2);
});

Deno.test("renderOfflineScript() for PostgreSQL refuses one transaction for a run in which a migration using a new enum value may follow its addition", async () => {
  const revs: Rev[] = [
    { revision: "a1", down: null, upgrade: (op) => op.createEnum("mood", ["sad", "happy"]) },
    { revision: "b2", down: "a1", upgrade: (op) => op.addEnumValue("mood", "ok") },
    { revision: "c3", down: "b2" },
  ];
  const { map } = project(revs);
  const pg = (target: string, engine: Engine = postgresEngine) =>
    render(revs, { steps: planUpgrade(map, [], target), range: `upgrade ${target}` }, {
      engine,
      transactionPer: "run",
    });
  const err = await rejectsWith(
    () => pg("head"),
    StrataError,
    'migration b2 adds value "ok" to enum "mood", and PostgreSQL cannot use a new enum value',
  );
  assert.equal(err.exitCode, 2);
  // Ending with the migration that adds the value is fine, and so is an
  // engine that can use the value at once.
  assert.match(await pg("b2"), /^ALTER TYPE mood ADD VALUE 'ok';$/m);
  const usable = {
    ...postgresEngine,
    capabilities: { ...postgresEngine.capabilities, enumValueUsableBeforeCommit: true },
  };
  assert.match(await pg("head", usable), /^CREATE TABLE t_c3 \(/m);
});
