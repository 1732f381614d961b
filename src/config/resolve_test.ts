import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { rejectsWith } from "../drivers/_test_helpers.ts";
import { type Config, noDatabaseError, resolveConfig } from "./resolve.ts";

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

/** The SQLite path of a resolved config's URL (fails for another engine or none). */
function sqlitePath(c: Config): string {
  assert(c.url?.dialect === "sqlite", `expected a SQLite URL, got ${c.url?.dialect}`);
  return c.url.path;
}

/** The PostgreSQL parts of a resolved config's URL (fails for another engine or none). */
function pg(c: Config) {
  assert(c.url?.dialect === "postgres", `expected a PostgreSQL URL, got ${c.url?.dialect}`);
  const { host, port, user, password, database, url } = c.url;
  return { host, port, user, password, database, url };
}

Deno.test("resolveConfig() names no database when nothing is set, and says where it looked", async () => {
  await withDir({}, async (cwd) => {
    const c = await resolveConfig({}, {}, cwd);
    assertEquals(c.url, undefined);
    assertEquals(c.dialect, undefined);
    assertEquals([c.dir, c.versionTable, c.historyTable, c.lockTimeoutMs, c.template], [
      join(cwd, "migrations"),
      "strata_version",
      "strata_history",
      300_000,
      undefined,
    ]);
    assertEquals(c.source.url, "none");
    assertEquals(
      new Set(Object.values(c.source).filter((s) => s !== "none")),
      new Set(["default"]),
    );
    for (const place of ["-u/--url", "STRATA_URL", "DATABASE_URL", "POSTGRES_*"]) {
      assert(c.lookedIn.includes(place), c.lookedIn);
    }
    assert(c.lookedIn.includes(`${join(cwd, ".env")} (not found)`), c.lookedIn);
    assert(c.lookedIn.includes(`${join(cwd, "strata.json")} (not found)`), c.lookedIn);
    const err = noDatabaseError(c);
    assertEquals(err.exitCode, 2);
    assert(err.message.startsWith("No database configured: looked in -u/--url"), err.message);
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
    await Deno.remove(join(cwd, ".env"));
    const file = await resolveConfig({}, {}, cwd);
    await Deno.writeTextFile(join(cwd, ".env"), files[".env"]);
    assertEquals(sqlitePath(file), join(cwd, "file.db"));
    assertEquals([file.dir, file.lockTimeoutMs], [join(cwd, "file_migrations"), 7000]);
    assertEquals(file.source.url, "strata.json url");

    const dotenv = await resolveConfig({}, {}, cwd);
    assertEquals(sqlitePath(dotenv), join(cwd, "dotenv.db"));
    assertEquals([dotenv.dir, dotenv.versionTable, dotenv.historyTable, dotenv.lockTimeoutMs], [
      join(cwd, "dotenv_migrations"),
      "file_version",
      "file_history",
      8000,
    ]);
    assertEquals(dotenv.source.url, ".env STRATA_URL");
    assertEquals(dotenv.source.versionTable, "strata.json versionTable");

    const env = await resolveConfig({}, {
      DATABASE_URL: "sqlite:env.db",
      STRATA_DIR: "env_migrations",
      STRATA_VERSION_TABLE: "env_version",
      STRATA_LOCK_TIMEOUT: "0.5",
    }, cwd);
    assertEquals(sqlitePath(env), join(cwd, "env.db"));
    assertEquals([env.dir, env.versionTable, env.lockTimeoutMs], [
      join(cwd, "env_migrations"),
      "env_version",
      500,
    ]);
    assertEquals(env.source.url, "env DATABASE_URL");

    const flags = await resolveConfig({ url: "sqlite::memory:", dir: "/abs/m" }, {
      STRATA_URL: "sqlite:env.db",
    }, cwd);
    assertEquals([sqlitePath(flags), flags.dir], [":memory:", "/abs/m"]);
    assertEquals([flags.source.url, flags.source.dir], ["flag --url", "flag --dir"]);
  });
});

const PARTS = {
  POSTGRES_HOST: "db",
  POSTGRES_PORT: "6000",
  POSTGRES_USER: "app",
  POSTGRES_PASSWORD: "p@ss",
  POSTGRES_DB: "shop",
};

Deno.test("resolveConfig() prefers STRATA_URL over DATABASE_URL over POSTGRES_* parts in one layer", async () => {
  await withDir({}, async (cwd) => {
    const a = await resolveConfig({}, PARTS, cwd);
    assertEquals(pg(a), {
      host: "db",
      port: 6000,
      user: "app",
      password: "p@ss",
      database: "shop",
      url: "postgres://app:p%40ss@db:6000/shop",
    });
    assertEquals(
      a.source.url,
      "env POSTGRES_HOST, env POSTGRES_PORT, env POSTGRES_USER, env POSTGRES_PASSWORD, env POSTGRES_DB",
    );
    const b = await resolveConfig({}, { ...PARTS, DATABASE_URL: "postgres://x@h/d" }, cwd);
    assertEquals([pg(b).host, b.source.url], ["h", "env DATABASE_URL"]);
    const c = await resolveConfig({}, {
      DATABASE_URL: "postgres://x@h/d",
      STRATA_URL: "sqlite:s.db",
    }, cwd);
    assertEquals(c.source.url, "env STRATA_URL");
  });
});

Deno.test("resolveConfig() merges POSTGRES_* parts key by key across env, .env and strata.json", async () => {
  const files = {
    ".env":
      "POSTGRES_PORT=6543\nPOSTGRES_USER=app\nPOSTGRES_PASSWORD=from-dotenv\nPOSTGRES_DB=shop\n",
    "strata.json": JSON.stringify({
      postgres: { host: "file-host", user: "file-user", port: 7000 },
    }),
  };
  await withDir(files, async (cwd) => {
    // The case: POSTGRES_HOST in the environment keeps the rest of .env.
    const c = await resolveConfig({}, { POSTGRES_HOST: "127.0.0.1" }, cwd);
    assertEquals(pg(c), {
      host: "127.0.0.1",
      port: 6543,
      user: "app",
      password: "from-dotenv",
      database: "shop",
      url: "postgres://app:from-dotenv@127.0.0.1:6543/shop",
    });
    assertEquals(
      c.source.url,
      "env POSTGRES_HOST, .env POSTGRES_PORT, .env POSTGRES_USER, .env POSTGRES_PASSWORD, .env POSTGRES_DB",
    );
    // Without the environment, strata.json's host fills in under .env's parts.
    const d = await resolveConfig({}, {}, cwd);
    assertEquals([pg(d).host, pg(d).port, pg(d).user], ["file-host", 6543, "app"]);
    assert(d.source.url?.startsWith("strata.json postgres.host, .env POSTGRES_PORT"), d.source.url);
  });
});

Deno.test("resolveConfig() takes any POSTGRES_* part for PostgreSQL, with psql's defaults", async () => {
  await withDir({}, async (cwd) => {
    for (const [name, value] of Object.entries(PARTS)) {
      const c = await resolveConfig({}, { [name]: value }, cwd);
      assertEquals(c.url?.dialect, "postgres", name);
      assertEquals(c.source.url, `env ${name}`);
    }
    const user = await resolveConfig({}, { POSTGRES_USER: "app", STRATA_DIR: "" }, cwd);
    assertEquals(pg(user), {
      host: "localhost",
      port: 5432,
      user: "app",
      password: undefined,
      database: "app",
      url: "postgres://app@localhost:5432/app",
    });
    assertEquals(user.source.dir, "default"); // empty values count as unset
  });
});

Deno.test("resolveConfig() lets a higher URL win whole, and higher parts replace a lower URL's", async () => {
  await withDir(
    { ".env": "DATABASE_URL=postgres://app:pw@db:5432/app?sslmode=require\n" },
    async (cwd) => {
      // A full URL above the parts wins whole: parts in .env are not merged into it.
      await Deno.writeTextFile(
        join(cwd, ".env"),
        "POSTGRES_HOST=db\nPOSTGRES_PASSWORD=dotenv-pw\n",
      );
      const whole = await resolveConfig({}, { DATABASE_URL: "postgres://u@h/d" }, cwd);
      assertEquals([pg(whole).host, pg(whole).password, whole.source.url], [
        "h",
        undefined,
        "env DATABASE_URL",
      ]);
      // Parts above a URL replace those components, keeping the rest and the query.
      await Deno.writeTextFile(
        join(cwd, ".env"),
        "DATABASE_URL=postgres://app:pw@db:5432/app?sslmode=require\n",
      );
      const merged = await resolveConfig({}, { POSTGRES_HOST: "127.0.0.1" }, cwd);
      assertEquals(pg(merged).url, "postgres://app:pw@127.0.0.1:5432/app?sslmode=require");
      assertEquals(merged.source.url, "env POSTGRES_HOST, .env DATABASE_URL");
      // Over a SQLite URL they are an error, not a guess.
      await Deno.writeTextFile(join(cwd, ".env"), "DATABASE_URL=sqlite:app.db\n");
      await rejectsWith(
        () => resolveConfig({}, { POSTGRES_HOST: "127.0.0.1" }, cwd),
        ConfigError,
        "Cannot combine env POSTGRES_HOST with the SQLite URL from .env DATABASE_URL",
      );
    },
  );
});

Deno.test("resolveConfig() checks a config file's dialect against the URL", async () => {
  await withDir(
    { "strata.json": '{"dialect": "postgres", "template": "t/m.tmpl"}' },
    async (cwd) => {
      const none = await resolveConfig({}, {}, cwd);
      assertEquals([none.url, none.dialect, none.template], [
        undefined,
        "postgres",
        join(cwd, "t/m.tmpl"),
      ]);
      const ok = await resolveConfig({}, { POSTGRES_DB: "app" }, cwd);
      assertEquals(ok.dialect, "postgres");
      await rejectsWith(
        () => resolveConfig({}, { DATABASE_URL: "sqlite:app.db" }, cwd),
        ConfigError,
        'is sqlite, but strata.json dialect says "postgres"',
      );
    },
  );
  await withDir({ "strata.json": '{"dialect": "mysql"}' }, async (cwd) => {
    await rejectsWith(() => resolveConfig({}, {}, cwd), ConfigError, 'Unknown dialect "mysql"');
  });
});

Deno.test("resolveConfig() reads --config and resolves its paths against its directory", async () => {
  await withDir({ "conf/strata.json": '{"url": "sqlite:app.db", "dir": "mig"}' }, async (cwd) => {
    const c = await resolveConfig({ config: "conf/strata.json" }, {}, cwd);
    assertEquals([sqlitePath(c), c.dir], [
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
  await withDir({ "strata.json": '{"postgres": {"host": "db", "pass": "x"}}' }, async (cwd) => {
    await rejectsWith(() => resolveConfig({}, {}, cwd), ConfigError, 'unknown key "postgres.pass"');
  });
  await withDir({ "strata.json": '{"postgres": "postgres://db"}' }, async (cwd) => {
    await rejectsWith(
      () => resolveConfig({}, {}, cwd),
      ConfigError,
      '"postgres" must be an object',
    );
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
    for (const port of ["abc", "0", "70000", "5432x"]) {
      await rejectsWith(
        () => resolveConfig({}, { POSTGRES_PORT: port }, cwd),
        ConfigError,
        `Cannot use port "${port}" (from env POSTGRES_PORT)`,
      );
    }
    await rejectsWith(
      () => resolveConfig({}, { STRATA_VERSION_TABLE: "v; drop table x" }, cwd),
      ConfigError,
      "version table",
    );
    const ok = await resolveConfig({}, { STRATA_VERSION_TABLE: "ops.strata_version" }, cwd);
    assertEquals(ok.versionTable, "ops.strata_version");
  });
});
