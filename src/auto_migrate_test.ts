import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { join } from "node:path";
import { ConfigError } from "./errors.ts";
import { rejectsWith } from "./drivers/_test_helpers.ts";
import { AUTO_MIGRATE_DISABLED, autoMigrate, type Logger } from "./auto_migrate.ts";

/** A project with one migration, an optional .env, and a logger that records. */
async function withProject(
  dotEnv: string | undefined,
  fn: (dir: string, logger: Logger, lines: string[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata_auto_" }));
  try {
    await Deno.mkdir(join(dir, "migrations"));
    await Deno.writeTextFile(
      join(dir, "migrations", "a1.ts"),
      'export const revision = "a1";\nexport const downRevision = null;\nexport const message = "t";\n' +
        'export async function upgrade(op) { await op.createTable("t", { id: { type: "integer" } }); }\n' +
        "export async function downgrade(op) {}\n",
    );
    if (dotEnv !== undefined) await Deno.writeTextFile(join(dir, ".env"), dotEnv);
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    await fn(dir, logger, lines);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const files = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("autoMigrate() reads STRATA_AUTO_MIGRATE=false from .env and touches nothing", async () => {
  await withProject("STRATA_AUTO_MIGRATE=false\n", async (dir, logger, lines) => {
    const applied = await autoMigrate({ url: "sqlite:app.db", cwd: dir, env: {}, logger });
    assertEquals([applied, lines], [[], [AUTO_MIGRATE_DISABLED]]);
    assertEquals(files(dir), [".env", "migrations"]);
    // The real environment outranks .env.
    const on = await autoMigrate({
      url: "sqlite:app.db",
      cwd: dir,
      env: { STRATA_AUTO_MIGRATE: "true" },
      logger,
    });
    assertEquals(on.map((s) => s.revision), ["a1"]);
  });
});

Deno.test("autoMigrate() obeys the app's own switch named by enabledEnv", async () => {
  await withProject("AUTO_MIGRATE=0\n", async (dir, logger, lines) => {
    const options = { url: "sqlite:app.db", cwd: dir, logger, enabledEnv: "AUTO_MIGRATE" };
    assertEquals(await autoMigrate({ ...options, env: {} }), []);
    assertEquals(await autoMigrate({ ...options, env: { AUTO_MIGRATE: "off" } }), []);
    assertEquals(lines, [AUTO_MIGRATE_DISABLED, AUTO_MIGRATE_DISABLED]);
    assertEquals(files(dir), [".env", "migrations"]);
    // Either switch off is enough.
    const both = { ...options, env: { AUTO_MIGRATE: "yes", STRATA_AUTO_MIGRATE: "no" } };
    assertEquals(await autoMigrate(both), []);
    const on = await autoMigrate({ ...options, env: { AUTO_MIGRATE: "1" } });
    assertEquals(on.map((s) => s.revision), ["a1"]);
  });
});

Deno.test("autoMigrate() refuses an unreadable switch value and a missing database", async () => {
  await withProject(undefined, async (dir, logger) => {
    const e = await rejectsWith(
      () =>
        autoMigrate({
          url: "sqlite:app.db",
          cwd: dir,
          env: { AUTO_MIGRATE: "flase" },
          enabledEnv: "AUTO_MIGRATE",
          logger,
        }),
      ConfigError,
      'Cannot read AUTO_MIGRATE="flase" (from env): not on or off',
    );
    assertEquals(e.exitCode, 2);
    const none = await rejectsWith(
      () => autoMigrate({ cwd: dir, env: {}, logger }),
      ConfigError,
      "No database configured",
    );
    assert(none.message.includes(join(dir, ".env")), none.message);
    assertEquals(files(dir), ["migrations"]);
  });
});
