/**
 * Helpers for the autogenerate tests: the CLI in this process, a SQL shell
 * (`sqlite3` / `psql`) as a person would use it, and a copy of the demo
 * project with its `schema.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliResult, makeProject, ROOT, runCliInProcess, type TestDb } from "./_helpers.ts";

/**
 * Runs the CLI in this process (`main()` with captured output): the same
 * code as the binary, without a process start per call. Tests where the
 * process matters (a fresh one with no project database) use `runCli`.
 * A declared schema module is imported once per process: a test that edits
 * one points `--schema` at a new file instead.
 */
export function cli(args: string[], cwd: string): Promise<CliResult> {
  return runCliInProcess(args, { cwd });
}

/** Runs SQL with `sqlite3 -bail` or `psql -v ON_ERROR_STOP=1`, as a person at a shell would. */
export async function shell(db: Pick<TestDb, "dialect" | "url">, sql: string): Promise<void> {
  const cmd = db.dialect === "postgres"
    ? new Deno.Command("psql", {
      args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.url],
      env: { PGOPTIONS: "-c client_min_messages=warning" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command("sqlite3", {
      args: ["-bail", db.url.slice("sqlite:".length)],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    });
  const child = cmd.spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(sql));
  await writer.close();
  const out = await child.output();
  assert.equal(out.code, 0, `${db.dialect} shell failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** A copy of the demo project (migrations and schema.ts) in a temporary directory. */
export async function demoProject() {
  const project = await makeProject("demo");
  await Deno.copyFile(join(ROOT, "schema.ts"), join(project.dir, "schema.ts"));
  // A user's project maps the package to where it lives; here, this checkout.
  await Deno.writeTextFile(
    join(project.dir, "deno.json"),
    JSON.stringify({ imports: { "@strata/strata/migration": join(ROOT, "src/migration.ts") } }),
  );
  return project;
}
