import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { ConfigError } from "../errors.ts";
import { throwsWith } from "../drivers/_test_helpers.ts";
import { parseDatabaseUrl, redactUrl } from "./url.ts";

const CWD = "/srv/app";

Deno.test("parseDatabaseUrl() resolves each SQLite form", () => {
  const cases: [string, string][] = [
    ["sqlite:app.db", "/srv/app/app.db"],
    ["sqlite:data/app.db", "/srv/app/data/app.db"],
    ["sqlite:../app.db", "/srv/app.db"],
    ["sqlite:/var/lib/app.db", "/var/lib/app.db"],
    ["sqlite:///relative.db", "/srv/app/relative.db"],
    ["sqlite:////absolute.db", "/absolute.db"],
    ["sqlite:////var/lib/app.db", "/var/lib/app.db"],
    ["sqlite::memory:", ":memory:"],
    ["sqlite://", ":memory:"],
    ["sqlite+pysqlite:///x.db", "/srv/app/x.db"],
  ];
  for (const [text, path] of cases) {
    assertEquals(parseDatabaseUrl(text, CWD), { dialect: "sqlite", path, raw: text }, text);
  }
});

Deno.test("parseDatabaseUrl() normalizes PostgreSQL URLs and drops driver suffixes", () => {
  for (
    const scheme of [
      "postgres",
      "postgresql",
      "postgresql+asyncpg",
      "postgresql+psycopg",
      "postgresql+psycopg2",
    ]
  ) {
    const raw = `${scheme}://app:s%40cret@db.example:6543/shop?sslmode=require`;
    assertEquals(parseDatabaseUrl(raw, CWD), {
      dialect: "postgres",
      url: "postgres://app:s%40cret@db.example:6543/shop?sslmode=require",
      host: "db.example",
      port: 6543,
      user: "app",
      password: "s@cret",
      database: "shop",
      raw,
    });
  }
});

Deno.test("parseDatabaseUrl() fills PostgreSQL defaults as libpq does", () => {
  const url = parseDatabaseUrl("postgres://localhost", CWD);
  assert(url.dialect === "postgres");
  assertEquals([url.host, url.port, url.user, url.password, url.database], [
    "localhost",
    5432,
    "postgres",
    undefined,
    "postgres",
  ]);
  const v6 = parseDatabaseUrl("postgres://u@[::1]:5433/d", CWD);
  assert(v6.dialect === "postgres");
  assertEquals([v6.host, v6.url], ["::1", "postgres://u@[::1]:5433/d"]);
});

Deno.test("parseDatabaseUrl() rejects malformed URLs with a hint and no password", () => {
  const bad: [string, string][] = [
    ["", "empty"],
    ["app.db", 'did you mean "sqlite:app.db"'],
    ["mysql://u:hunter22@h/db", 'unsupported scheme "mysql"'],
    ["sqlite://host/app.db", "no host"],
    ["postgres:db", 'expected "//"'],
    ["postgres://u:hunter22@h:99999/db", "percent-encode"],
    ["postgres://u:hunter22@h/a/b", 'contains "/"'],
  ];
  for (const [text, expected] of bad) {
    const err = throwsWith(() => parseDatabaseUrl(text, CWD), ConfigError);
    assert(`${err.message} ${err.hint}`.includes(expected), `${text}: ${err.message} ${err.hint}`);
    assert(!`${err.message} ${err.hint} ${err.cause}`.includes("hunter22"), text);
    assertEquals(err.exitCode, 2);
  }
});

Deno.test("redactUrl() masks the password, also in malformed text", () => {
  assertEquals(redactUrl("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
  assertEquals(redactUrl("postgres://u@h/db"), "postgres://u@h/db");
  assertEquals(redactUrl("postgres://u:p@ss/w@rd@h/db"), "postgres://u:***@h/db");
  assertEquals(
    redactUrl("postgres://h/db?user=u&password=x&a=1"),
    "postgres://h/db?user=u&password=***&a=1",
  );
  assertEquals(redactUrl("sqlite:/tmp/app.db"), "sqlite:/tmp/app.db");
  assertEquals(
    redactUrl("error at postgres://u:pw@h/db: refused"),
    "error at postgres://u:***@h/db: refused",
  );
  // Typos that leave out "//" or the scheme still hide the password.
  assertEquals(redactUrl("postgres:u:secret@h/db"), "postgres:u:***@h/db");
  assertEquals(redactUrl("postgres//u:secret@h/db"), "postgres//u:***@h/db");
  assertEquals(redactUrl("u:secret@h/db"), "u:***@h/db");
  assertEquals(redactUrl("sqlite:/tmp/a@b.db"), "sqlite:/tmp/a@b.db");
});
