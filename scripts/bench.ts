/**
 * `deno task bench`: measures the figures of issue 12, each beside its
 * yardstick measured in the same run (whole processes, medians), and prints
 * the ratio and the goal. It asserts nothing; tests never assert times.
 *
 * ```sh
 * deno task bench                  # every group, full counts (several minutes)
 * deno task bench --quick          # fewer runs and smaller counts
 * deno task bench noop sql         # only some groups: noop apply sql bulk alter
 * deno task bench --runs 5 --fresh # 5 rounds; regenerate the projects under .bench/
 * ```
 *
 * Yardsticks: dbmate (installed for the bench only, `npm install --prefix
 * .bench/tools dbmate`; Strata never needs it), `psql` and `sqlite3`, and the Deno
 * floors: a Deno process that opens the SQLite file and reads the version
 * table, and one that connects with postgres.js and does the same. Alembic
 * cannot be installed here (PyPI is unreachable), so its row says so.
 *
 * PostgreSQL: `STRATA_BENCH_PG_URL`, else `STRATA_TEST_PG_URL`, else a
 * throwaway cluster (`scripts/pg_cluster.ts`). Everything generated lives in
 * the git-ignored `.bench/`. Strata runs with `STRATA_CACHE_DIR=.bench/cache`
 * (the header cache, as a user's second run would have it).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import postgres from "npm:postgres@3.4.9";
import { buildBundle } from "./bundle.ts";
import { generateDbmateProject, generateProject } from "./gen_project.ts";
import { findPgBin, startCluster } from "./pg_cluster.ts";
import {
  type Figure,
  fmtMs,
  fmtRate,
  goal,
  median,
  mustRun,
  printTable,
  run,
  type RunResult,
  type Timed,
  timeRounds,
  type Yardstick,
} from "./_bench_util.ts";

const ROOT = resolve(import.meta.dirname!, "..");
const BENCH = join(ROOT, ".bench");
const CACHE = join(BENCH, "cache");
// In a folder of its own: a package.json above the bench's helper scripts
// would make Deno resolve their npm: imports from that node_modules.
const TOOLS = join(BENCH, "tools");
const DBMATE = join(TOOLS, "node_modules", ".bin", "dbmate");
const GROUPS = ["noop", "apply", "sql", "bulk", "alter"] as const;
type Group = typeof GROUPS[number];

const STRATA_ENV = { STRATA_CACHE_DIR: CACHE };

/** The bench's settings. */
interface Settings {
  quick: boolean;
  runs: number;
  fresh: boolean;
}

/** A PostgreSQL server for the bench. */
interface Pg {
  url: (database: string) => string;
  recreate: (database: string) => Promise<void>;
  close: () => Promise<void>;
}

// ---------------------------------------------------------------- setup

async function openPg(): Promise<Pg> {
  let base = Deno.env.get("STRATA_BENCH_PG_URL") ?? Deno.env.get("STRATA_TEST_PG_URL");
  let stop: (() => Promise<void>) | undefined;
  if (!base) {
    const bin = findPgBin();
    if (!bin) throw new Error("no PostgreSQL: set STRATA_BENCH_PG_URL or install the server");
    const cluster = await startCluster(bin);
    base = cluster.url;
    stop = cluster.stop;
    console.error(`bench: started a throwaway PostgreSQL from ${bin}`);
  }
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  const url = (database: string) => {
    const u = new URL(base!);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    url,
    async recreate(database) {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.unsafe(`CREATE DATABASE ${database}`);
    },
    async close() {
      await admin.end();
      await stop?.();
    },
  };
}

/** A generated Strata project of `count` create-table migrations, cached under .bench/. */
async function strataProject(count: number, s: Settings): Promise<string> {
  const dir = join(BENCH, `p${count}`, "migrations");
  const marker = join(BENCH, `p${count}`, "project.json");
  if (!s.fresh && await exists(marker)) return dir;
  await Deno.remove(join(BENCH, `p${count}`), { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const started = performance.now();
  const p = await generateProject(dir, count, {
    branches: Math.max(1, Math.floor(count / 100)),
    opImport: "@strata/strata/migration",
  });
  await Deno.writeTextFile(marker, JSON.stringify({ count, head: p.head }));
  console.error(`bench: generated ${count} migrations in ${fmtMs(performance.now() - started)}`);
  return dir;
}

/** The same schema as a dbmate project. */
async function dbmateProject(count: number, s: Settings): Promise<string> {
  const dir = join(BENCH, `dbmate${count}`, "db", "migrations");
  const marker = join(BENCH, `dbmate${count}`, "project.json");
  if (!s.fresh && await exists(marker)) return dir;
  await Deno.remove(join(BENCH, `dbmate${count}`), { recursive: true }).catch(() => {});
  await generateDbmateProject(dir, count, { branches: Math.max(1, Math.floor(count / 100)) });
  await Deno.writeTextFile(marker, JSON.stringify({ count }));
  return dir;
}

/** dbmate's binary, installed into .bench/ on first use; `undefined` with a reason when it cannot be. */
async function dbmate(): Promise<string | { missing: string }> {
  if (await exists(DBMATE)) return DBMATE;
  console.error("bench: installing dbmate (npm install --prefix .bench/tools dbmate)…");
  await Deno.mkdir(TOOLS, { recursive: true });
  const r = await run(["npm", "install", "--prefix", TOOLS, "dbmate", "--no-audit", "--no-fund"])
    .catch((e) => ({ code: 1, stderr: String(e), stdout: "", ms: 0 }) as RunResult);
  if (r.code !== 0 || !await exists(DBMATE)) {
    return { missing: `not installable (${r.stderr.trim().split("\n").pop() ?? "npm failed"})` };
  }
  return DBMATE;
}

/** dist/strata.js, rebuilt when a source file is newer. */
async function bundle(): Promise<string> {
  const entry = join(ROOT, "dist", "strata.js");
  const built = (await Deno.stat(entry).catch(() => null))?.mtime?.getTime() ?? 0;
  if (built < await newestSource(join(ROOT, "src"))) {
    console.error("bench: building dist/ (deno task bundle)…");
    await buildBundle(join(ROOT, "dist"));
  }
  return entry;
}

async function newestSource(dir: string): Promise<number> {
  let newest = (await Deno.stat(join(ROOT, "main.ts"))).mtime?.getTime() ?? 0;
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) newest = Math.max(newest, await newestSource(p));
    else if (e.name.endsWith(".ts")) {
      newest = Math.max(newest, (await Deno.stat(p)).mtime?.getTime() ?? 0);
    }
  }
  return newest;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Writes a helper script into .bench/ and returns its path. */
async function helper(name: string, text: string): Promise<string> {
  const path = join(BENCH, name);
  await Deno.writeTextFile(path, text);
  return path;
}

const FLOOR_SQLITE = `// The Deno floor: open the SQLite file, read the version table.
import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(Deno.args[0]);
console.log(db.prepare("SELECT version_num FROM strata_version").all().length);
db.close();
`;

const FLOOR_PG = `// The Deno floor: connect with postgres.js, read the version table.
import postgres from "npm:postgres@3.4.9";
const sql = postgres(Deno.args[0], { max: 1, onnotice: () => {} });
console.log((await sql.unsafe("SELECT version_num FROM strata_version")).length);
await sql.end();
`;

/** `deno run -A ENTRY -u URL -d DIR ARGS…` as a user runs Strata. */
function strata(entry: string, url: string, dir: string, ...args: string[]): string[] {
  return [Deno.execPath(), "run", "-A", entry, "-u", url, "-d", dir, ...args];
}

const SOURCE = join(ROOT, "main.ts");

// ---------------------------------------------------------------- groups

async function noop(s: Settings, pg: Pg): Promise<Figure[]> {
  const dir = await strataProject(1_000, s);
  const entry = await bundle();
  const sqlite = join(BENCH, "noop.db");
  const pgUrl = pg.url("strata_bench_noop");
  // Bring both databases to head once (the runs below then have nothing to do).
  await Deno.remove(sqlite).catch(() => {});
  await mustRun(strata(SOURCE, `sqlite:${sqlite}`, dir, "upgrade", "head"), { env: STRATA_ENV });
  await pg.recreate("strata_bench_noop");
  await mustRun(strata(SOURCE, pgUrl, dir, "upgrade", "head"), { env: STRATA_ENV });
  const floorSqlite = await helper("floor_sqlite.ts", FLOOR_SQLITE);
  const floorPg = await helper("floor_pg.ts", FLOOR_PG);
  const noop = (r: RunResult) => {
    if (!r.stdout.includes("Nothing to do")) throw new Error(`not a no-op:\n${r.stdout}`);
  };
  const cmds: Timed[] = [
    {
      name: "src-sqlite",
      cmd: strata(SOURCE, `sqlite:${sqlite}`, dir, "upgrade", "head"),
      check: noop,
    },
    {
      name: "bundle-sqlite",
      cmd: strata(entry, `sqlite:${sqlite}`, dir, "upgrade", "head"),
      check: noop,
    },
    { name: "floor-sqlite", cmd: [Deno.execPath(), "run", "-A", floorSqlite, sqlite] },
    { name: "src-pg", cmd: strata(SOURCE, pgUrl, dir, "upgrade", "head"), check: noop },
    { name: "bundle-pg", cmd: strata(entry, pgUrl, dir, "upgrade", "head"), check: noop },
    { name: "floor-pg", cmd: [Deno.execPath(), "run", "-A", floorPg, pgUrl] },
  ].map((c) => ({ ...c, options: { env: STRATA_ENV, cwd: join(BENCH, "p1000") } }));
  const dm = await dbmate();
  if (typeof dm === "string") {
    const dmDir = await dbmateProject(1_000, s);
    const dmSqlite = join(BENCH, "dbmate-noop.db");
    await Deno.remove(dmSqlite).catch(() => {});
    await pg.recreate("strata_bench_dbmate_noop");
    const dmPg = `${pg.url("strata_bench_dbmate_noop")}?sslmode=disable`;
    const dmCmd = (
      url: string,
    ) => [dm, "--url", url, "--migrations-dir", dmDir, "--no-dump-schema", "migrate"];
    await mustRun(dmCmd(`sqlite:${dmSqlite}`));
    await mustRun(dmCmd(dmPg));
    cmds.push({ name: "dbmate-sqlite", cmd: dmCmd(`sqlite:${dmSqlite}`) });
    cmds.push({ name: "dbmate-pg", cmd: dmCmd(dmPg) });
  }
  console.error(`bench: noop — ${cmds.length} commands × ${s.runs} rounds…`);
  const t = await timeRounds(cmds, s.runs, 2);
  const m = (k: string) => t[k] ? median(t[k]) : NaN;
  const vs = (name: string, k: string, strataMs: number): Yardstick =>
    t[k]
      ? { name, value: fmtMs(m(k)), ratio: strataMs / m(k) }
      : { name, value: typeof dm === "string" ? "—" : dm.missing };
  const [src, bun, srcPg, bunPg] = ["src-sqlite", "bundle-sqlite", "src-pg", "bundle-pg"].map(
    m,
  ) as [
    number,
    number,
    number,
    number,
  ];
  return [
    {
      figure: "no-op upgrade head, 1,000 revisions, SQLite",
      strata: fmtMs(src),
      yardsticks: [
        vs("dbmate", "dbmate-sqlite", src),
        vs("Deno floor (open file, read version table)", "floor-sqlite", src),
      ],
      goal: goal("≤ 40 ms and ≤ 1.7× floor", src <= 40 && src <= 1.7 * m("floor-sqlite")),
    },
    {
      figure: "the same, PostgreSQL",
      strata: fmtMs(srcPg),
      yardsticks: [
        vs("dbmate", "dbmate-pg", srcPg),
        vs("Deno floor (postgres.js, read version table)", "floor-pg", srcPg),
      ],
      goal: goal("≤ 100 ms", srcPg <= 100),
    },
    {
      figure: "the same from the bundle (dist/strata.js), SQLite",
      strata: fmtMs(bun),
      yardsticks: [{ name: "from source", value: fmtMs(src), ratio: bun / src }],
      goal: goal("bundle ≤ source", bun <= src),
    },
    {
      figure: "the same from the bundle, PostgreSQL",
      strata: fmtMs(bunPg),
      yardsticks: [{ name: "from source", value: fmtMs(srcPg), ratio: bunPg / srcPg }],
      goal: goal("bundle ≤ source", bunPg <= srcPg),
    },
  ];
}

async function apply(s: Settings, pg: Pg): Promise<Figure[]> {
  const dir = await strataProject(1_000, s);
  const sqlite = join(BENCH, "apply.db");
  const rm = async () => {
    for (const f of [sqlite, `${sqlite}-journal`, `${sqlite}-wal`, `${sqlite}.strata-lock`]) {
      await Deno.remove(f).catch(() => {});
    }
  };
  const applied = (r: RunResult) => {
    if (!/Applied 1000 migrations/.test(r.stdout)) {
      throw new Error(`not 1,000 applied:\n${r.stdout}`);
    }
  };
  const cmds: Timed[] = [
    {
      name: "strata-sqlite",
      cmd: strata(SOURCE, `sqlite:${sqlite}`, dir, "upgrade", "head"),
      before: rm,
      check: applied,
    },
    {
      name: "strata-pg",
      cmd: strata(SOURCE, pg.url("strata_bench_apply"), dir, "upgrade", "head"),
      before: () => pg.recreate("strata_bench_apply"),
      check: applied,
    },
  ].map((c) => ({ ...c, options: { env: STRATA_ENV } }));
  const dm = await dbmate();
  if (typeof dm === "string") {
    const dmDir = await dbmateProject(1_000, s);
    const dmSqlite = join(BENCH, "dbmate-apply.db");
    const dmPg = `${pg.url("strata_bench_dbmate_apply")}?sslmode=disable`;
    const dmCmd = (
      url: string,
    ) => [dm, "--url", url, "--migrations-dir", dmDir, "--no-dump-schema", "migrate"];
    cmds.push({
      name: "dbmate-sqlite",
      cmd: dmCmd(`sqlite:${dmSqlite}`),
      before: () => Deno.remove(dmSqlite).catch(() => {}),
    });
    cmds.push({
      name: "dbmate-pg",
      cmd: dmCmd(dmPg),
      before: () => pg.recreate("strata_bench_dbmate_apply"),
    });
  }
  const runs = s.quick ? 1 : Math.min(s.runs, 3);
  console.error(`bench: apply — ${cmds.length} commands × ${runs} rounds…`);
  const t = await timeRounds(cmds, runs, 0);
  const row = (figure: string, k: string, dk: string): Figure => {
    const x = median(t[k]!);
    const y = t[dk] ? median(t[dk]) : undefined;
    return {
      figure,
      strata: fmtMs(x),
      yardsticks: [
        y === undefined
          ? { name: "dbmate", value: typeof dm === "string" ? "—" : dm.missing }
          : { name: "dbmate", value: fmtMs(y), ratio: x / y },
      ],
      goal: y === undefined ? "≤ 1.0× dbmate" : goal("≤ 1.0× dbmate", x <= y),
    };
  };
  return [
    row("apply 1,000 create-table migrations from empty, SQLite", "strata-sqlite", "dbmate-sqlite"),
    row("the same, PostgreSQL", "strata-pg", "dbmate-pg"),
  ];
}

async function sql(s: Settings): Promise<Figure[]> {
  const sizes = s.quick ? [1_000, 2_000] : [1_000, 2_000, 4_000, 10_000];
  const cmds: Timed[] = [];
  for (const n of sizes) {
    const dir = await strataProject(n, s);
    for (const dialect of ["postgres", "sqlite"]) {
      cmds.push({
        name: `${dialect}-${n}`,
        cmd: strata(
          SOURCE,
          "sqlite::memory:",
          dir,
          "upgrade",
          "head",
          "--sql",
          "--dialect",
          dialect,
        ),
        options: { env: STRATA_ENV },
        check: (r) => {
          if (!r.stdout.trimEnd().endsWith("COMMIT;")) throw new Error("no script");
        },
      });
    }
    // What running the same DDL costs SQLite itself (each CREATE TABLE scans
    // sqlite_master): what a shadow replay would cost; Strata's shadow replays
    // only when a rebuild reads it (src/offline/lazy_shadow.ts).
    const ddl = Array.from({ length: n }, (_, i) => `CREATE TABLE t_${i} (id integer);`).join("\n");
    cmds.push({ name: `sqlite3-${n}`, cmd: ["sqlite3", ":memory:"], options: { stdin: ddl } });
  }
  const runs = s.quick ? 1 : Math.min(s.runs, 3);
  console.error(`bench: sql — ${cmds.length} commands × ${runs} rounds (after a warm-up)…`);
  const t = await timeRounds(cmds, runs, 1);
  const out: Figure[] = [];
  const base = { postgres: median(t["postgres-1000"]!), sqlite: median(t["sqlite-1000"]!) };
  for (const dialect of ["postgres", "sqlite"] as const) {
    for (const n of sizes) {
      const x = median(t[`${dialect}-${n}`]!);
      const ys: Yardstick[] = [];
      if (n === 1_000) {
        ys.push({
          name: "Alembic",
          value: "not installable here (PyPI is unreachable); issue 12 measured 1.03 s",
        });
      } else {
        ys.push({
          name: `1,000 revisions × ${n / 1_000}`,
          value: fmtMs(base[dialect] * (n / 1_000)),
          ratio: x / (base[dialect] * (n / 1_000)),
        });
      }
      if (dialect === "sqlite") {
        const floor = median(t[`sqlite3-${n}`]!);
        ys.push({
          name: `sqlite3 running the ${n.toLocaleString("en-US")} CREATE TABLEs`,
          value: fmtMs(floor),
          ratio: x / floor,
        });
      }
      const limit = n === 1_000 ? 350 : n === 10_000 ? 5_000 : undefined;
      out.push({
        figure: `upgrade head --sql, ${n.toLocaleString("en-US")} revisions, ${dialect}`,
        strata: fmtMs(x),
        yardsticks: ys,
        ...(limit ? { goal: goal(`≤ ${fmtMs(limit)}`, x <= limit) } : {}),
      });
    }
  }
  return out;
}

const BULK_MIGRATION = `// Generated by scripts/bench.ts.
export const revision = "bulk0001";
export const downRevision = null;
export const message = "bulk";
export async function upgrade(op) {
  await op.createTable("items", {
    id: { type: "integer", primaryKey: true },
    name: { type: "text" },
    qty: { type: "integer" },
  });
  const n = Number(Deno.env.get("BENCH_ROWS"));
  if (Deno.env.get("BENCH_MODE") === "array") {
    const rows = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: "item " + i, qty: i % 100 }));
    const t = performance.now();
    await op.bulkInsert("items", rows);
    console.error("BENCH ms=" + (performance.now() - t));
  } else {
    async function* rows() {
      for (let i = 0; i < n; i++) yield { id: i + 1, name: "item " + i, qty: i % 100 };
    }
    const t = performance.now();
    await op.bulkInsert("items", rows());
    console.error("BENCH ms=" + (performance.now() - t));
  }
  const status = Deno.readTextFileSync("/proc/self/status");
  console.error("BENCH peak_kb=" + (/VmHWM:\\s+(\\d+)/.exec(status)?.[1] ?? "NaN"));
}
`;

const INSERT_PG =
  `// Yardstick: multi-row INSERTs (1,000 rows each) with postgres.js, in one transaction.
import postgres from "npm:postgres@3.4.9";
const sql = postgres(Deno.args[0], { max: 1, onnotice: () => {} });
const n = Number(Deno.args[1]);
await sql.unsafe("CREATE TABLE items (id integer PRIMARY KEY, name text, qty integer)");
const rows = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: "item " + i, qty: i % 100 }));
const t = performance.now();
await sql.begin(async (tx) => {
  for (let i = 0; i < n; i += 1000) await tx\`INSERT INTO items \${tx(rows.slice(i, i + 1000))}\`;
});
console.log("BENCH ms=" + (performance.now() - t));
await sql.end();
`;

const INSERT_SQLITE = `// Yardstick: one prepared statement in a transaction, node:sqlite.
import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(Deno.args[0]);
const n = Number(Deno.args[1]);
db.exec("CREATE TABLE items (id integer PRIMARY KEY, name text, qty integer)");
const rows = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: "item " + i, qty: i % 100 }));
const t = performance.now();
db.exec("BEGIN");
const st = db.prepare("INSERT INTO items (id, name, qty) VALUES (?, ?, ?)");
for (const r of rows) st.run(r.id, r.name, r.qty);
db.exec("COMMIT");
console.log("BENCH ms=" + (performance.now() - t));
db.close();
`;

function benchValue(r: RunResult, key: string): number {
  const m = new RegExp(`BENCH ${key}=([\\d.]+)`).exec(r.stdout + r.stderr);
  if (!m) throw new Error(`no BENCH ${key} in:\n${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

async function bulk(s: Settings, pg: Pg): Promise<Figure[]> {
  const n = s.quick ? 200_000 : 1_000_000;
  const big = s.quick ? 1_000_000 : 10_000_000;
  const dir = join(BENCH, "bulk", "migrations");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "bulk0001_bulk.ts"), BULK_MIGRATION);
  const tsv = join(BENCH, `rows-${n}.tsv`);
  if (!await exists(tsv)) {
    const lines = Array.from({ length: n }, (_, i) => `${i + 1}\titem ${i}\t${i % 100}\n`);
    await Deno.writeTextFile(tsv, lines.join(""));
  }
  const insertPg = await helper("insert_pg.ts", INSERT_PG);
  const insertSqlite = await helper("insert_sqlite.ts", INSERT_SQLITE);
  const sqlite = join(BENCH, "bulk.db");
  const rmSqlite = async () => {
    for (const f of [sqlite, `${sqlite}-journal`, `${sqlite}.strata-lock`]) {
      await Deno.remove(f).catch(() => {});
    }
  };
  const db = "strata_bench_bulk";
  const runs = s.quick ? 1 : Math.min(s.runs, 3);
  const samples: Record<string, number[]> = {};
  const take = (k: string, v: number) => (samples[k] ??= []).push(v);
  console.error(`bench: bulk — ${n.toLocaleString("en-US")} rows × ${runs} rounds…`);
  for (let i = 0; i < runs; i++) {
    const env = { ...STRATA_ENV, BENCH_ROWS: String(n), BENCH_MODE: "array" };
    await pg.recreate(db);
    take(
      "strata-pg",
      benchValue(await mustRun(strata(SOURCE, pg.url(db), dir, "upgrade", "head"), { env }), "ms"),
    );
    await pg.recreate(db);
    await mustRun([
      "psql",
      "-q",
      pg.url(db),
      "-c",
      "CREATE TABLE items (id integer PRIMARY KEY, name text, qty integer)",
    ]);
    take(
      "psql-copy",
      (await mustRun(["psql", "-q", pg.url(db), "-c", `\\copy items from '${tsv}'`])).ms,
    );
    await pg.recreate(db);
    take(
      "insert-pg",
      benchValue(
        await mustRun([Deno.execPath(), "run", "-A", insertPg, pg.url(db), String(n)]),
        "ms",
      ),
    );
    await rmSqlite();
    take(
      "strata-sqlite",
      benchValue(
        await mustRun(strata(SOURCE, `sqlite:${sqlite}`, dir, "upgrade", "head"), { env }),
        "ms",
      ),
    );
    await rmSqlite();
    take(
      "prepared-sqlite",
      benchValue(
        await mustRun([Deno.execPath(), "run", "-A", insertSqlite, sqlite, String(n)]),
        "ms",
      ),
    );
  }
  const rate = (k: string) => n / (median(samples[k]!) / 1000);
  const figures: Figure[] = [
    {
      figure: `bulkInsert ${n.toLocaleString("en-US")} rows (3 columns), PostgreSQL`,
      strata: fmtRate(rate("strata-pg")),
      yardsticks: [
        {
          name: "COPY via psql",
          value: fmtRate(rate("psql-copy")),
          ratio: rate("psql-copy") / rate("strata-pg"),
        },
        {
          name: "multi-row INSERT (postgres.js)",
          value: fmtRate(rate("insert-pg")),
          ratio: rate("insert-pg") / rate("strata-pg"),
        },
      ],
      goal: goal("≥ 1M rows/s", rate("strata-pg") >= 1e6),
    },
    {
      figure: "the same, SQLite",
      strata: fmtRate(rate("strata-sqlite")),
      yardsticks: [{
        name: "one prepared statement in a transaction",
        value: fmtRate(rate("prepared-sqlite")),
        ratio: rate("prepared-sqlite") / rate("strata-sqlite"),
      }],
      goal: goal("≥ 450k rows/s", rate("strata-sqlite") >= 450_000),
    },
  ];
  // Peak memory of a load from an async iterable (ratio columns here: yardstick ÷ Strata, so > 1 is slower).
  console.error(`bench: bulk — ${big.toLocaleString("en-US")} rows from an async iterable…`);
  const env = { ...STRATA_ENV, BENCH_ROWS: String(big), BENCH_MODE: "async" };
  await pg.recreate(db);
  const rPg = await mustRun(strata(SOURCE, pg.url(db), dir, "upgrade", "head"), { env });
  await rmSqlite();
  const rSqlite = await mustRun(strata(SOURCE, `sqlite:${sqlite}`, dir, "upgrade", "head"), {
    env,
  });
  for (const [name, r] of [["PostgreSQL", rPg], ["SQLite", rSqlite]] as const) {
    const peak = benchValue(r, "peak_kb") / 1024;
    figures.push({
      figure: `${big.toLocaleString("en-US")} rows from an async iterable, ${name}: peak RSS`,
      strata: `${peak.toFixed(0)} MB`,
      yardsticks: [{ name: "rate", value: fmtRate(big / (benchValue(r, "ms") / 1000)) }],
      goal: goal("< 300 MB", peak < 300),
    });
  }
  return figures;
}

function alterProject(tables: number): { first: string; second: string } {
  const first = `// Generated by scripts/bench.ts.
export const revision = "alter0001";
export const downRevision = null;
export async function upgrade(op) {
  for (let i = 0; i < ${tables}; i++) {
    await op.createTable("t" + i, {
      id: { type: "integer", primaryKey: true },
      a: { type: "text" },
      b: { type: "integer" },
      c: { type: "text" },
    });
    await op.createIndex("ix_t" + i + "_b", "t" + i, ["b"]);
  }
  await op.bulkInsert("t0", Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, a: "a" + i, b: i, c: "c" })));
}
`;
  const second = `// Generated by scripts/bench.ts.
export const revision = "alter0002";
export const downRevision = "alter0001";
export async function upgrade(op) {
  await op.alterColumn("t0", "b", { type: "bigint" });
  await op.alterColumn("t0", "a", { nullable: false });
  await op.alterColumn("t0", "c", { default: "x" });
  await op.alterColumn("t0", "b", { nullable: false });
  await op.alterColumn("t0", "c", { type: "varchar(20)" });
}
`;
  return { first, second };
}

async function alter(s: Settings): Promise<Figure[]> {
  const runs = s.quick ? 1 : Math.min(s.runs, 3);
  const ms: Record<number, number[]> = {};
  console.error(`bench: alter — 300 vs 5 tables × ${runs} rounds…`);
  for (const tables of [300, 5]) {
    const dir = join(BENCH, `alter${tables}`, "migrations");
    await Deno.mkdir(dir, { recursive: true });
    const p = alterProject(tables);
    await Deno.writeTextFile(join(dir, "alter0001_tables.ts"), p.first);
    await Deno.writeTextFile(join(dir, "alter0002_alter.ts"), p.second);
    const template = join(BENCH, `alter${tables}.template.db`);
    await Deno.remove(template).catch(() => {});
    await mustRun(strata(SOURCE, `sqlite:${template}`, dir, "upgrade", "alter0001"), {
      env: STRATA_ENV,
    });
    const db = join(BENCH, `alter${tables}.db`);
    for (let i = 0; i < runs + 1; i++) {
      await Deno.remove(`${db}.strata-lock`).catch(() => {});
      await Deno.copyFile(template, db);
      const r = await mustRun(strata(SOURCE, `sqlite:${db}`, dir, "upgrade", "head"), {
        env: STRATA_ENV,
      });
      const step = /alter0002.*\((\d+(?:\.\d+)?) (ms|s)\)/.exec(r.stdout);
      if (!step) throw new Error(`no step line:\n${r.stdout}`);
      if (i > 0) (ms[tables] ??= []).push(Number(step[1]) * (step[2] === "s" ? 1000 : 1));
    }
  }
  const big = median(ms[300]!);
  const small = median(ms[5]!);
  return [{
    figure: "5 alterColumn on one table of a 300-table SQLite database (the step)",
    strata: fmtMs(big),
    yardsticks: [{
      name: "the same on a 5-table database",
      value: fmtMs(small),
      ratio: big / small,
    }],
    goal: goal("≤ 1.5× the 5-table case", big <= 1.5 * small),
  }];
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      fresh: { type: "boolean", default: false },
      runs: { type: "string" },
    },
  });
  for (const p of positionals) {
    if (!(GROUPS as readonly string[]).includes(p)) {
      console.error(`error: unknown group "${p}"; groups: ${GROUPS.join(", ")}`);
      Deno.exit(2);
    }
  }
  const groups = (positionals.length ? positionals : GROUPS) as Group[];
  const s: Settings = {
    quick: values.quick,
    fresh: values.fresh,
    runs: Number(values.runs ?? (values.quick ? 5 : 20)),
  };
  await Deno.mkdir(CACHE, { recursive: true });
  const needsPg = groups.some((g) => g === "noop" || g === "apply" || g === "bulk");
  const pg = needsPg ? await openPg() : undefined;
  const figures: Figure[] = [];
  const started = performance.now();
  try {
    for (const g of groups) {
      if (g === "noop") figures.push(...await noop(s, pg!));
      if (g === "apply") figures.push(...await apply(s, pg!));
      if (g === "sql") figures.push(...await sql(s));
      if (g === "bulk") figures.push(...await bulk(s, pg!));
      if (g === "alter") figures.push(...await alter(s));
    }
  } finally {
    await pg?.close();
  }
  const [load1, load5] = Deno.loadavg();
  console.log(
    `Strata benchmarks (issue 12) — deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores; ` +
      `groups: ${groups.join(" ")}; ${s.runs} rounds for start-up figures${
        s.quick ? " (--quick)" : ""
      }; ` +
      `${fmtMs(performance.now() - started)}`,
  );
  console.log(
    `load average at the end: ${load1?.toFixed(2)} (1 min), ${load5?.toFixed(2)} (5 min)` +
      ((load1 ?? 0) > 1.5 ? " — a busy machine: compare ratios, not absolute times" : ""),
  );
  console.log(
    "medians of whole processes; ratio = Strata ÷ yardstick for times, yardstick ÷ Strata for rates",
  );
  console.log("");
  printTable(figures);
}

if (import.meta.main) {
  await main();
}
