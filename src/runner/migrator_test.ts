import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { rejectsWith, throwsWith } from "../drivers/_test_helpers.ts";
import { Migrator } from "./migrator.ts";

/** A project with a branch: a1 → b2, a1 → c3 (two heads). */
async function project(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata_mig_" }));
  await Deno.mkdir(join(dir, "migrations"));
  const file = (rev: string, down: string | null, table: string) =>
    Deno.writeTextFile(
      join(dir, "migrations", `${rev}.ts`),
      `export const revision = "${rev}";\nexport const downRevision = ${JSON.stringify(down)};\n` +
        `export const message = "make ${table}";\n` +
        `export async function upgrade(op) { await op.createTable("${table}", { id: { type: "integer" } }); }\n` +
        `export async function downgrade(op) { await op.dropTable("${table}"); }\n`,
    );
  await file("a1", null, "ta");
  await file("b2", "a1", "tb");
  await file("c3", "a1", "tc");
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("new Migrator({ url, dir }) runs without resolveConfig and reads no environment", async () => {
  const p = await project();
  try {
    const url = `sqlite:${join(p.dir, "app.db")}`;
    const m = new Migrator({ url, dir: join(p.dir, "migrations") });
    try {
      assertEquals(m.config.url?.dialect, "sqlite");
      assertEquals([m.config.versionTable, m.config.lockTimeoutMs], ["strata_version", 300_000]);
      const applied = await m.upgrade("heads");
      assertEquals(applied.map((s) => s.revision), ["a1", "b2", "c3"]);
      assertEquals((await m.current()).sort(), ["b2", "c3"]);
    } finally {
      await m.close();
    }
    // Relative paths resolve against `cwd`.
    const rel = new Migrator({ url: "sqlite:app.db", cwd: p.dir });
    try {
      assertEquals(rel.config.dir, join(p.dir, "migrations"));
      assertEquals((await rel.current()).sort(), ["b2", "c3"]);
    } finally {
      await rel.close();
    }
    // The short form names its database itself: DATABASE_URL is not read. Checked in
    // a process of its own, since tests share this one's environment.
    const probe = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { Migrator } from ${
          JSON.stringify(new URL("./migrator.ts", import.meta.url).href)
        };` +
        `console.log(String(new Migrator({ dir: ${JSON.stringify(p.dir)} }).config.url));`,
      ],
      env: { DATABASE_URL: url },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(probe.stdout).trim(), "undefined");
    throwsWith(() => new Migrator({ url: "mysql://db/app" }), ConfigError, "unsupported scheme");
    throwsWith(() => new Migrator({ url, versionTable: "x; drop" }), ConfigError, "version table");
  } finally {
    await p.cleanup();
  }
});

Deno.test("Migrator.pending() and history() return data; the database is read only when needed", async () => {
  const p = await project();
  try {
    const dir = join(p.dir, "migrations");
    const db = join(p.dir, "app.db");
    // No URL: the graph works, the database does not, and nothing is created.
    const offline = new Migrator({ dir });
    const history = await offline.history();
    assertEquals(history.map((r) => r.revision), ["c3", "b2", "a1"]);
    assertEquals(history[2], {
      revision: "a1",
      downRevisions: [],
      dependsOn: [],
      branchLabels: [],
      message: "make ta",
      path: join(dir, "a1.ts"),
      children: ["b2", "c3"],
      isHead: false,
      isBranchPoint: true,
      isMergePoint: false,
    });
    const err = await rejectsWith(() => offline.pending(), ConfigError, "No database configured");
    assertEquals(err.exitCode, 2);
    await rejectsWith(() => offline.history({ indicateCurrent: true }), ConfigError);
    assertEquals([...Deno.readDirSync(p.dir)].map((e) => e.name), ["migrations"]);

    const m = new Migrator({ url: `sqlite:${db}`, dir });
    try {
      let report = await m.pending("heads");
      assertEquals(report.current, []);
      assertEquals(report.pending.map((r) => [r.revision, r.message]), [
        ["a1", "make ta"],
        ["b2", "make tb"],
        ["c3", "make tc"],
      ]);
      assertEquals(await m.current(), [], "pending() applied something");
      await m.upgrade("b2");
      report = await m.pending("heads");
      assertEquals([report.current, report.pending.map((r) => r.revision)], [["b2"], ["c3"]]);
      const marked = await m.history({ indicateCurrent: true });
      assertEquals(marked.map((r) => [r.revision, r.isCurrent]), [
        ["c3", false],
        ["b2", true],
        ["a1", false],
      ]);
      assertEquals((await m.history({ range: "current:" })).map((r) => r.revision), ["b2"]);
      assertEquals((await m.history({ range: "base:a1" })).map((r) => r.revision), ["a1"]);
    } finally {
      await m.close();
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("Migrator.wait() returns at once for a SQLite file that upgrade may create", async () => {
  const p = await project();
  try {
    const m = new Migrator({ url: `sqlite:${join(p.dir, "later.db")}`, dir: p.dir });
    const result = await m.wait({ timeoutMs: 1000 });
    assertEquals(result.attempts, 1);
    assert(!(await Deno.stat(join(p.dir, "later.db")).catch(() => null)), "wait created the file");
    const ro = new Migrator({ url: `sqlite:${join(p.dir, "later.db")}?mode=ro`, dir: p.dir });
    const seen: string[] = [];
    const e = await rejectsWith(
      () => ro.wait({ timeoutMs: 300, onWaiting: (r) => seen.push(r.message) }),
      Error,
      "Gave up waiting for the database after 0.3 s",
    );
    assert(e.message.includes("the file does not exist"), e.message);
    assertEquals(seen.length, 1);
  } finally {
    await p.cleanup();
  }
});
