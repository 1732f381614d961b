import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { ScriptError } from "../errors.ts";
import { scriptFromSource } from "./discover.ts";
import { newRevisionId, renderMigration, slugify, writeMigration } from "./template.ts";
import { withDir } from "./_test_util.ts";

async function deno(args: string[], cwd: string): Promise<{ ok: boolean; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { ok: out.success, out: text };
}

Deno.test("newRevisionId() returns 12 lower-case hex characters, different each time", () => {
  const ids = new Set(Array.from({ length: 100 }, newRevisionId));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[0-9a-f]{12}$/);
});

const SLUGS: [string, string][] = [
  ["Add user bio!", "add_user_bio"],
  ["  add   user--bio  ", "add_user_bio"],
  ["Café crème", "cafe_creme"],
  ["!!!", "revision"],
  ["", "revision"],
  ["日本語", "revision"],
  ["v2: rename users.email -> users.mail", "v2_rename_users_email_users_mail"],
  [
    "add a very long column name to the table that holds the users",
    "add_a_very_long_column_name_to_the_table",
  ],
  ["x".repeat(60), "x".repeat(40)],
];
for (const [message, slug] of SLUGS) {
  Deno.test(`slugify() turns ${JSON.stringify(message)} into "${slug}"`, () => {
    assert.equal(slugify(message), slug);
    assert(slugify(message).length <= 40);
  });
}

const FIELD_SETS = [
  { revision: "1f2e3d4c5b6a", downRevision: null, message: "create users" },
  { revision: "1f2e3d4c5b6a", downRevision: "0a9b8c7d6e5f", message: "add user bio" },
  {
    revision: "1f2e3d4c5b6a",
    downRevision: ["0a9b8c7d6e5f", "aaaaaaaaaaaa", "bbbbbbbbbbbb"],
    message: `merge "heads" it's */ a very long message that needs its own line when formatted`,
    branchLabels: ["users", "billing"],
    dependsOn: ["cccccccccccc", "dddddddddddd", "eeeeeeeeeeee", "ffffffffffff", "000000000000"],
    transactional: false,
  },
  {
    revision: "abc",
    downRevision: "def",
    message: "with bodies",
    upgradeBody: 'await op.execute("CREATE TABLE t (id integer)");',
    downgradeBody: 'await op.execute("DROP TABLE t");',
    opImport: "strata",
  },
];

Deno.test("renderMigration() output reads back through the static header parser", () => {
  for (const fields of FIELD_SETS) {
    const text = renderMigration({ ...fields, createDate: "2024-01-01T00:00:00.000Z" });
    const script = scriptFromSource("/m/x.ts", text);
    assert(script, text);
    assert.equal(script.revision, fields.revision);
    assert.deepEqual(script.downRevisions, [fields.downRevision ?? []].flat());
    assert.equal(script.message, fields.message);
    assert.deepEqual(script.branchLabels, fields.branchLabels ?? []);
    assert.deepEqual(script.dependsOn, fields.dependsOn ?? []);
    assert.equal(script.transactional, fields.transactional ?? true);
    assert.match(text, /Create Date: 2024-01-01T00:00:00.000Z/);
  }
});

Deno.test("renderMigration() fills the example from DESIGN.md", () => {
  const text = renderMigration({
    revision: "1f2e3d4c5b6a",
    downRevision: "0a9b8c7d6e5f",
    message: "add user bio",
    createDate: "2024-01-01T00:00:00.000Z",
  });
  assert.equal(
    text,
    `/**
 * add user bio
 *
 * Revision ID: 1f2e3d4c5b6a
 * Revises: 0a9b8c7d6e5f
 * Create Date: 2024-01-01T00:00:00.000Z
 */
// deno-lint-ignore-file no-unused-vars -- until the bodies use \`op\`
import type { Op } from "@strata/strata/migration";

export const revision = "1f2e3d4c5b6a";
export const downRevision: string | string[] | null = "0a9b8c7d6e5f";
export const message = "add user bio";

export async function upgrade(op: Op): Promise<void> {
  // write the change here
}

export async function downgrade(op: Op): Promise<void> {
  // write the change here
}
`,
  );
});

Deno.test("renderMigration() output passes deno fmt --check and deno lint", async () => {
  await withDir({}, async (dir) => {
    await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify({ fmt: { lineWidth: 100 } }));
    const wide = join(dir, "wide");
    await Deno.mkdir(wide);
    const files: string[] = [];
    for (const [i, fields] of FIELD_SETS.entries()) {
      // Default width (80) in a directory without configuration...
      const narrow = join(dir, "narrow", `m${i}.ts`);
      await Deno.mkdir(dirname(narrow), { recursive: true });
      await Deno.writeTextFile(narrow, renderMigration(fields));
      // ...and the repository's 100 under a deno.json that says so.
      await Deno.writeTextFile(
        join(wide, `m${i}.ts`),
        renderMigration({ ...fields, lineWidth: 100 }),
      );
      files.push(`narrow/m${i}.ts`, `wide/m${i}.ts`);
    }
    const narrowFmt = await deno([
      "fmt",
      "--check",
      "--no-config",
      ...files.filter((f) => f.startsWith("narrow")),
    ], dir);
    assert(narrowFmt.ok, narrowFmt.out);
    const wideFmt = await deno([
      "fmt",
      "--check",
      "--config",
      "deno.json",
      ...files.filter((f) => f.startsWith("wide")),
    ], dir);
    assert(wideFmt.ok, wideFmt.out);
    const lint = await deno(["lint", "--no-config", ...files], dir);
    assert(lint.ok, lint.out);
  });
});

Deno.test("renderMigration() rejects an empty revision", () => {
  assert.throws(
    () => renderMigration({ revision: "", downRevision: null, message: "x" }),
    ScriptError,
  );
});

Deno.test("writeMigration() writes <rev>_<slug>.ts, creating the directory, and never overwrites", async () => {
  await withDir({}, async (dir) => {
    const target = join(dir, "migrations");
    const fields = { revision: "1f2e3d4c5b6a", downRevision: null, message: "Add user bio!" };
    const path = await writeMigration(target, fields);
    assert.equal(path, join(target, "1f2e3d4c5b6a_add_user_bio.ts"));
    assert.equal(basename(path), "1f2e3d4c5b6a_add_user_bio.ts");
    const before = await Deno.readTextFile(path);
    await assert.rejects(writeMigration(target, { ...fields, downRevision: "x" }), (err) => {
      assert(err instanceof ScriptError);
      assert.match(err.message, /already exists/);
      return true;
    });
    assert.equal(await Deno.readTextFile(path), before);
    await assert.rejects(writeMigration(target, { ...fields, revision: "../evil" }), ScriptError);
  });
});
