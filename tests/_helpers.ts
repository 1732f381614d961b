/**
 * Test utilities shared by the end-to-end tests (one module, as dbmate's
 * `pkg/dbtest`): run the CLI in this process or as a subprocess, make
 * throwaway projects, read databases directly, and run one test body on every
 * database.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { buildBundle as buildSplitBundle } from "../scripts/bundle.ts";
import { join, resolve } from "node:path";
import { format } from "node:util";
import { main } from "../src/cli/main.ts";
import { Output, type Writer } from "../src/cli/output.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname!, "..");
/** The CLI entry. */
export const MAIN = join(ROOT, "main.ts");
/** The demo migrations. */
export const DEMO_DIR = join(ROOT, "migrations");

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What both CLI runners accept. */
export interface CliOptions {
  /** Working directory. @default {ROOT} */
  cwd?: string;
  /** The whole environment besides `NO_COLOR=1` (nothing is inherited from this process). */
  env?: Record<string, string>;
}

/** Runs `strata ARGS` one way or the other: {@linkcode runCli} or {@linkcode runCliInProcess}. */
export type CliRunner = (args: string[], options?: CliOptions) => Promise<CliResult>;

/**
 * Runs `strata ARGS` as a subprocess (`deno run -A main.ts` or a given entry).
 * Use it where a process of its own matters: kills, several processes at once,
 * the bundle, the real entry point; otherwise {@linkcode runCliInProcess}.
 *
 * @param args CLI arguments.
 * @param options Working directory, the environment, entry file.
 * @returns Exit code and output.
 */
export function runCli(
  args: string[],
  options: CliOptions & { entry?: string } = {},
): Promise<CliResult> {
  return runCommand(Deno.execPath(), [
    "run",
    "--allow-all",
    "--no-check",
    options.entry ?? MAIN,
    ...args,
  ], options);
}

/**
 * Runs any program as a subprocess with only the given environment (plus
 * `NO_COLOR=1`), so nothing leaks in from the test runner's.
 *
 * @param command The program.
 * @param args Its arguments.
 * @param options Working directory (default: the repository) and environment.
 * @returns Exit code and output.
 */
export async function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(command, {
    args,
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Collects the bytes written to one output stream. */
class Capture implements Writer {
  #chunks: Uint8Array[] = [];

  writeSync(data: Uint8Array): number {
    this.#chunks.push(data.slice());
    return data.length;
  }

  text(): string {
    const all = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.#chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all);
  }
}

/** The output of the in-process runs under way. */
const activeRuns = new Set<{ stdout: Capture; stderr: Capture }>();
let savedConsole: Pick<Console, "log" | "info" | "debug" | "error" | "warn"> | undefined;

/**
 * Sends `console.*` output to the runs under way while any is, as a subprocess
 * would print it: a stray `console.error` from Strata or a library must show
 * in what the case asserts on, not only in the test log.
 */
function captureConsole(run: { stdout: Capture; stderr: Capture }): () => void {
  if (activeRuns.size === 0) {
    const { log, info, debug, error, warn } = console;
    savedConsole = { log, info, debug, error, warn };
    const to = (stream: "stdout" | "stderr") => (...data: unknown[]) => {
      const bytes = new TextEncoder().encode(format(...data) + "\n");
      for (const r of activeRuns) r[stream].writeSync(bytes);
    };
    Object.assign(console, {
      log: to("stdout"),
      info: to("stdout"),
      debug: to("stdout"),
      error: to("stderr"),
      warn: to("stderr"),
    });
  }
  activeRuns.add(run);
  return () => {
    activeRuns.delete(run);
    if (activeRuns.size === 0 && savedConsole) {
      Object.assign(console, savedConsole);
      savedConsole = undefined;
    }
  };
}

/**
 * Runs `strata ARGS` in this process through `main(argv, { out, env, cwd })`,
 * with the same options and result as {@linkcode runCli}, so a case can
 * switch between them; far cheaper than a subprocess. `console.*` output
 * during the run counts as the run's output, as it would in a subprocess.
 *
 * Two rules keep in-process runs honest. Migration modules stay cached by URL
 * for the life of the test module, so a case that changes a migration's text
 * must write it under a new path (a fresh {@linkcode makeProject}, or a new
 * file name). The working directory and environment are passed, never set
 * (no `Deno.chdir`, no `Deno.env.set`): other tests share the process.
 *
 * @param args CLI arguments.
 * @param options Working directory and the environment.
 * @returns Exit code and output.
 */
export async function runCliInProcess(
  args: string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const run = { stdout: new Capture(), stderr: new Capture() };
  const release = captureConsole(run);
  let code: number;
  try {
    code = await main(args, {
      out: new Output(run.stdout, run.stderr),
      env: { NO_COLOR: "1", ...options.env },
      cwd: options.cwd ?? ROOT,
    });
  } finally {
    release();
  }
  return { code, stdout: run.stdout.text(), stderr: run.stderr.text() };
}

/**
 * Builds the bundled CLI into `dir/dist/` exactly as `deno task bundle` does,
 * with another output path.
 *
 * @param dir The directory to write `dist/strata.js` (and its chunks) under.
 * @returns The path of `strata.js`.
 */
export function buildBundle(dir: string): Promise<string> {
  // `deno task bundle`'s own builder (code splitting, entry named strata.js),
  // into a folder of its own: the builder replaces the folder it writes.
  return buildSplitBundle(join(dir, "dist"));
}

/**
 * Makes a temporary project directory with a `migrations/` folder.
 *
 * @param files Migration files to write (name → source), or `"demo"` to copy the demo set.
 * @returns The project directory and its migrations directory.
 */
export async function makeProject(
  files: Record<string, string> | "demo" = {},
): Promise<{ dir: string; migrations: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "strata-test-" });
  const migrations = join(dir, "migrations");
  if (files === "demo") await copyDir(DEMO_DIR, migrations);
  else {
    await Deno.mkdir(migrations, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(migrations, name), text);
    }
  }
  return { dir, migrations, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(join(from, e.name), join(to, e.name));
    else if (e.isFile) await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

/**
 * A migration file's source, for tests.
 *
 * @param rev Revision id.
 * @param down Parent(s).
 * @param up Body of `upgrade(op)`.
 * @param downBody Body of `downgrade(op)`.
 * @param extra Extra export lines.
 * @returns TypeScript source.
 */
export function migrationSource(
  rev: string,
  down: string | string[] | null,
  up: string,
  downBody = "",
  extra = "",
): string {
  return [
    `export const revision = "${rev}";`,
    `export const downRevision = ${JSON.stringify(down)};`,
    `export const message = "m ${rev}";`,
    extra,
    `export async function upgrade(op) {\n${up}\n}`,
    `export async function downgrade(op) {\n${downBody}\n}`,
    "",
  ].join("\n");
}

/** One database under test. */
export interface TestDb {
  dialect: "sqlite" | "postgres";
  url: string;
  /** Reads rows with a direct connection (not through Strata). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** User tables, sorted (Strata's own `strata_*` and `_strata_*` tables left out). */
  tables(): Promise<string[]>;
  /** Version rows, sorted. */
  versions(table?: string): Promise<string[]>;
}

/**
 * Runs `fn` once per database, each in a `t.step`: a SQLite file in `dir`, and
 * a fresh PostgreSQL database when one is available (skipped loudly otherwise).
 *
 * @param t The test context.
 * @param dir A directory for the SQLite file.
 * @param fn The test body.
 */
export async function eachDialect(
  t: Deno.TestContext,
  dir: string,
  fn: (db: TestDb) => Promise<void>,
): Promise<void> {
  await t.step("sqlite", async () => {
    const path = join(dir, `test-${crypto.randomUUID().slice(0, 8)}.db`);
    await fn(sqliteTestDb(path));
  });
  if (!hasPg()) return;
  await t.step("postgres", async () => {
    const db = await createPgDatabase("e2e");
    try {
      await fn(await pgTestDb(db.url));
    } finally {
      await db.drop();
    }
  });
}

/** A {@linkcode TestDb} for a SQLite file. */
export function sqliteTestDb(path: string): TestDb {
  const query = (sql: string) => {
    const db = new DatabaseSync(path);
    try {
      return Promise.resolve(db.prepare(sql).all() as Record<string, unknown>[]);
    } finally {
      db.close();
    }
  };
  return {
    dialect: "sqlite",
    url: `sqlite:${path}`,
    query,
    async tables() {
      const rows = await query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
          "AND name NOT LIKE 'strata\\_%' ESCAPE '\\' AND name NOT LIKE '\\_strata\\_%' ESCAPE '\\' " +
          "ORDER BY name",
      );
      return rows.map((r) => String(r.name));
    },
    async versions(table = "strata_version") {
      const t = await query(`SELECT name FROM sqlite_master WHERE name = '${table}'`);
      if (!t.length) return [];
      return (await query(`SELECT version_num FROM ${table} ORDER BY version_num`)).map((r) =>
        String(r.version_num)
      );
    },
  };
}

/** A {@linkcode TestDb} for a PostgreSQL database URL. */
export async function pgTestDb(url: string): Promise<TestDb> {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const query = async (sql: string) => {
    const c = postgres(url, { max: 1, onnotice: () => {} });
    try {
      return [...await c.unsafe(sql)] as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  return {
    dialect: "postgres",
    url,
    query,
    async tables() {
      const rows = await query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' " +
          "AND table_name NOT LIKE 'strata_%' ORDER BY 1",
      );
      return rows.map((r) => String(r.name));
    },
    async versions(table = "strata_version") {
      const t = await query(`SELECT to_regclass('${table}') AS t`);
      if (!t[0]?.t) return [];
      return (await query(`SELECT version_num FROM ${table} ORDER BY version_num`)).map((r) =>
        String(r.version_num)
      );
    },
  };
}
