import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { rejectsWith } from "../drivers/_test_helpers.ts";
import { resolveConfig } from "./resolve.ts";

async function withDir(files: Record<string, string>, fn: (cwd: string) => Promise<void>) {
  const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata_cfg_" }));
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(join(cwd, name, ".."), { recursive: true });
      await Deno.writeTextFile(join(cwd, name), text);
    }
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("resolveConfig() uses defaults when nothing is set", async () => {
  await withDir({}, async (cwd) => {
    const c = await resolveConfig({}, {}, cwd);
    assertEquals(c.url, {
      dialect: "sqlite",
      path: join(cwd, "strata.db"),
      mode: "rwc",
      raw: "sqlite:strata.db",
    });
    assertEquals([c.dir, c.versionTable, c.historyTable, c.lockTimeoutMs], [
      join(cwd, "migrations"),
      "strata_version",
      "strata_history",
      300_000,
    ]);
    assertEquals(new Set(Object.values(c.source)), new Set(["default"]));
  });
});

Deno.test("resolveConfig() ranks flags > env > .env > config file > defaults", async () => {
  const files = {
    "strata.json": JSON.stringify({
      url: "sqlite:file.db",
      dir: "file_migrations",
      versionTable: "file_version",
      historyTable: "file_history",
      lockTimeout: 7,
    }),
    ".env": "STRATA_URL=sqlite:dotenv.db\nSTRATA_DIR=dotenv_migrations\nSTRATA_LOCK_TIMEOUT=8\n",
  };
  await withDir(files, async (cwd) => {
    const file = await resolveConfig({}, {}, cwd).then(async () => {
      await Deno.remove(join(cwd, ".env"));
      const c = await resolveConfig({}, {}, cwd);
      await Deno.writeTextFile(join(cwd, ".env"), files[".env"]);
      return c;
    });
    assertEquals(file.url.dialect === "sqlite" && file.url.path, join(cwd, "file.db"));
    assertEquals([file.dir, file.lockTimeoutMs], [join(cwd, "file_migrations"), 7000]);

    const dotenv = await resolveConfig({}, {}, cwd);
    assertEquals(dotenv.url.dialect === "sqlite" && dotenv.url.path, join(cwd, "dotenv.db"));
    assertEquals([dotenv.dir, dotenv.versionTable, dotenv.historyTable, dotenv.lockTimeoutMs], [
      join(cwd, "dotenv_migrations"),
      "file_version",
      "file_history",
      8000,
    ]);
    assertEquals(dotenv.source.url, ".env STRATA_URL");
    assertEquals(dotenv.source.versionTable, `config ${join(cwd, "strata.json")}`);

    const env = await resolveConfig({}, {
      DATABASE_URL: "sqlite:env.db",
      STRATA_DIR: "env_migrations",
      STRATA_VERSION_TABLE: "env_version",
      STRATA_LOCK_TIMEOUT: "0.5",
    }, cwd);
    assertEquals(env.url.dialect === "sqlite" && env.url.path, join(cwd, "env.db"));
    assertEquals([env.dir, env.versionTable, env.lockTimeoutMs], [
      join(cwd, "env_migrations"),
      "env_version",
      500,
    ]);
    assertEquals(env.source.url, "env DATABASE_URL");

    const flags = await resolveConfig({ url: "sqlite::memory:", dir: "/abs/m" }, {
      STRATA_URL: "sqlite:env.db",
    }, cwd);
    assertEquals([flags.url.dialect === "sqlite" && flags.url.path, flags.dir], [
      ":memory:",
      "/abs/m",
    ]);
    assertEquals([flags.source.url, flags.source.dir], ["flag --url", "flag --dir"]);
  });
});

Deno.test("resolveConfig() prefers STRATA_URL over DATABASE_URL over POSTGRES_* parts", async () => {
  await withDir({}, async (cwd) => {
    const parts = {
      POSTGRES_HOST: "db",
      POSTGRES_PORT: "6000",
      POSTGRES_USER: "app",
      POSTGRES_PASSWORD: "p@ss",
      POSTGRES_DB: "shop",
    };
    const a = await resolveConfig({}, parts, cwd);
    assert(a.url.dialect === "postgres");
    assertEquals([a.url.url, a.url.password, a.source.url], [
      "postgres://app:p%40ss@db:6000/shop",
      "p@ss",
      "env POSTGRES_*",
    ]);
    const b = await resolveConfig({}, { ...parts, DATABASE_URL: "postgres://x@h/d" }, cwd);
    assertEquals(b.source.url, "env DATABASE_URL");
    const c = await resolveConfig({}, {
      DATABASE_URL: "postgres://x@h/d",
      STRATA_URL: "sqlite:s.db",
    }, cwd);
    assertEquals(c.source.url, "env STRATA_URL");
    const d = await resolveConfig({}, { POSTGRES_PASSWORD: "only", STRATA_DIR: "" }, cwd);
    assertEquals([d.url.dialect, d.source.dir], ["sqlite", "default"]);
  });
});

Deno.test("resolveConfig() reads --config and resolves its paths against its directory", async () => {
  await withDir({ "conf/strata.json": '{"url": "sqlite:app.db", "dir": "mig"}' }, async (cwd) => {
    const c = await resolveConfig({ config: "conf/strata.json" }, {}, cwd);
    assertEquals([c.url.dialect === "sqlite" && c.url.path, c.dir], [
      join(cwd, "conf/app.db"),
      join(cwd, "conf/mig"),
    ]);
    await rejectsWith(
      () => resolveConfig({ config: "missing.json" }, {}, cwd),
      ConfigError,
      "missing.json",
    );
  });
});

Deno.test("resolveConfig() rejects bad settings with ConfigError naming their source", async () => {
  await withDir({ "strata.json": '{"uri": "x"}' }, async (cwd) => {
    const e = await rejectsWith(() => resolveConfig({}, {}, cwd), ConfigError, 'unknown key "uri"');
    assert(e.hint?.includes("url"));
  });
  await withDir({ "strata.json": "{nope" }, async (cwd) => {
    await rejectsWith(() => resolveConfig({}, {}, cwd), ConfigError, "Cannot parse config file");
  });
  await withDir({ "strata.json": '{"lockTimeout": true}' }, async (cwd) => {
    await rejectsWith(() => resolveConfig({}, {}, cwd), ConfigError, "number of seconds");
  });
  await withDir({}, async (cwd) => {
    const e = await rejectsWith(
      () => resolveConfig({}, { DATABASE_URL: "mysql://u:hunter22@h/d" }, cwd),
      ConfigError,
      "(from env DATABASE_URL)",
    );
    assert(!e.message.includes("hunter22"));
    await rejectsWith(
      () => resolveConfig({}, { STRATA_LOCK_TIMEOUT: "soon" }, cwd),
      ConfigError,
      "soon",
    );
    await rejectsWith(() => resolveConfig({}, { STRATA_LOCK_TIMEOUT: "-1" }, cwd), ConfigError);
    await rejectsWith(
      () => resolveConfig({}, { STRATA_VERSION_TABLE: "v; drop table x" }, cwd),
      ConfigError,
      "version table",
    );
    const ok = await resolveConfig({}, { STRATA_VERSION_TABLE: "ops.strata_version" }, cwd);
    assertEquals(ok.versionTable, "ops.strata_version");
  });
});
