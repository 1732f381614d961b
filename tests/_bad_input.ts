/**
 * What the two bad-input tables share: the database snapshots that show a
 * case left the database as it was, the checks on a failed run's output, and
 * the error a set-up throws to skip its case on this machine.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import type { CliResult, TestDb } from "./_helpers.ts";

/** Thrown by a set-up that cannot work on this machine: the case is skipped, loudly. */
export class SkipCase extends Error {}

/**
 * SQLite: every file beside the database with its bytes' digest (lock files
 * left out).
 *
 * @param dir The directory holding the database.
 * @param path The database file: when given, it is opened once first, so a
 *   hot journal a killed writer left is rolled back as any reader would.
 * @returns One line per file, sorted.
 */
export async function sqliteSnapshot(dir: string, path?: string): Promise<string> {
  if (path !== undefined) {
    const db = new DatabaseSync(path);
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    db.close();
  }
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile || e.name.endsWith(".strata-lock")) continue;
    const bytes = await Deno.readFile(join(dir, e.name));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    out.push(`${e.name} ${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`);
  }
  return out.sort().join("\n");
}

/**
 * PostgreSQL: columns, indexes (definition and validity), version rows,
 * history rows and the rows of `ta`, as text.
 *
 * @param db The database.
 * @returns The snapshot.
 */
export async function pgSnapshot(db: TestDb): Promise<string> {
  const parts = await Promise.all([
    db.query(
      "SELECT table_name, column_name, data_type, is_nullable, column_default " +
        "FROM information_schema.columns WHERE table_schema = 'public' " +
        "ORDER BY table_name, ordinal_position",
    ),
    db.query(
      "SELECT c.relname, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid FROM pg_index i " +
        "JOIN pg_class c ON c.oid = i.indexrelid " +
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1",
    ),
    db.query("SELECT version_num FROM strata_version ORDER BY 1"),
    db.query(
      "SELECT id, revision, direction, applied_at::text, checksum FROM strata_history ORDER BY id",
    ),
    db.query("SELECT id, v FROM ta ORDER BY id"),
  ]);
  return JSON.stringify(parts, null, 1);
}

/**
 * Checks a failed run's output: the exit code, exactly one `error:` line
 * matching `expect.error`, at most one `hint:` (matching `expect.hint` when
 * given), no other stderr lines but warnings and lock waits, no stack trace
 * or "looks like a bug", and none of `secrets` anywhere.
 *
 * @param r The run.
 * @param expect Exit code, error and hint.
 * @param secrets Passwords that must not show.
 * @returns The run shown for assertion messages.
 */
export function assertOneErrorLine(
  r: CliResult,
  expect: { code: number; error: RegExp; hint?: RegExp | undefined },
  secrets: readonly string[],
): string {
  const all = `${r.stdout}\n${r.stderr}`;
  const show = `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
  assert.equal(r.code, expect.code, `exit code\n${show}`);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  const errors = lines.filter((l) => l.startsWith("error: "));
  assert.equal(errors.length, 1, `one error line\n${show}`);
  assert.match(errors[0]!.slice("error: ".length), expect.error, show);
  const hints = lines.filter((l) => l.startsWith("hint: "));
  assert.ok(hints.length <= 1, `at most one hint\n${show}`);
  if (expect.hint) assert.match(hints[0] ?? "", expect.hint, show);
  const other = lines.filter((l) =>
    !/^(error|hint|warning): |^waiting for the migration lock/.test(l)
  );
  assert.deepEqual(other, [], `unexpected stderr lines\n${show}`);
  assert.doesNotMatch(all, /^\s+at |TypeError|looks like a bug/m, `stack or bug hint\n${show}`);
  for (const s of secrets) assert.ok(!all.includes(s), `password "${s}" printed\n${show}`);
  return show;
}
