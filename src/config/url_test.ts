import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { ConfigError } from "../errors.ts";
import { ENGINES } from "../dialects/registry.ts";
import { throwsWith } from "../drivers/_test_helpers.ts";
import { displayUrl, parseDatabaseUrl } from "./url.ts";
import { hideUserinfo, redactText } from "./redact.ts";

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
    assertEquals(parseDatabaseUrl(text, CWD), { dialect: "sqlite", path, mode: "rwc", raw: text });
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
    // An unencoded "@", "/", "?" or "#" in the password: refused, nothing of it shown.
    ["postgres://u:hunter22/x@h/db", "not percent-encoded"],
    ["postgres://u:hun@ter22@h/db", "not percent-encoded"],
    ["postgres://u:hunter?22@h/db", "not percent-encoded"],
    ["postgres://u:hunter#22@h/db", "not percent-encoded"],
  ];
  for (const [text, expected] of bad) {
    const err = throwsWith(() => parseDatabaseUrl(text, CWD), ConfigError);
    assert(`${err.message} ${err.hint}`.includes(expected), `${text}: ${err.message} ${err.hint}`);
    assert(!`${err.message} ${err.hint} ${err.cause}`.includes("hunter22"), text);
    assertEquals(err.exitCode, 2);
  }
});

Deno.test("parseDatabaseUrl() refuses an unencoded password and prints none of its userinfo", () => {
  // The case: a URL parser reads host "ss" and database "SECRETPART@host/db".
  const err = throwsWith(
    () => parseDatabaseUrl("postgres://app:pa@ss/SECRETPART@host/db", CWD),
    ConfigError,
  );
  const text = `${err.message} ${err.hint}`;
  assert(!/SECRETPART|pa@ss|app:/.test(text), text);
  assert(err.message.includes('"postgres://***@host/db"'), err.message);
  assert(err.hint?.includes("percent-encode"), err.hint);
  // Percent-encoded, the same password is fine.
  const ok = parseDatabaseUrl("postgres://app:pa%40ss%2FSECRETPART@host/db", CWD);
  assert(ok.dialect === "postgres");
  assertEquals([ok.host, ok.password, ok.database], ["host", "pa@ss/SECRETPART", "db"]);
});

Deno.test("parseDatabaseUrl() reads a SQLite URL's mode and refuses other parameters", () => {
  for (const mode of ["ro", "rw", "rwc"] as const) {
    assertEquals(parseDatabaseUrl(`sqlite:app.db?mode=${mode}`, CWD), {
      dialect: "sqlite",
      path: "/srv/app/app.db",
      mode,
      raw: `sqlite:app.db?mode=${mode}`,
    });
  }
  const sqla = parseDatabaseUrl("sqlite:////var/app.db?mode=ro", CWD);
  assertEquals(sqla.dialect === "sqlite" && [sqla.path, sqla.mode], ["/var/app.db", "ro"]);
  const bad: [string, string][] = [
    ["sqlite:app.db?cache=shared", 'unknown parameter "cache"'],
    ["sqlite:app.db?mode=readonly", 'unknown mode "readonly"'],
    ["sqlite:app.db?mode=ro&mode=rw", "given twice"],
    ["sqlite::memory:?mode=ro", "needs a database file"],
  ];
  for (const [text, expected] of bad) {
    throwsWith(() => parseDatabaseUrl(text, CWD), ConfigError, expected);
  }
});

Deno.test("displayUrl() shows a PostgreSQL URL without its password, keeping other parts", () => {
  const cases: [string, string][] = [
    ["postgres://app:e@db/app", "postgres://app:***@db:5432/app"],
    // A password equal to the scheme and the user name masks only the password.
    ["postgres://postgres:postgres@db/postgres", "postgres://postgres:***@db:5432/postgres"],
    [
      "postgresql+asyncpg://u:x@[::1]:6000/d?sslmode=require",
      "postgres://u:***@[::1]:6000/d?sslmode=require",
    ],
    ["postgres://u@h/d?password=secret", "postgres://u@h:5432/d?password=***"],
    ["sqlite:app.db?mode=ro", "sqlite:app.db?mode=ro"],
  ];
  for (const [text, shown] of cases) assertEquals(displayUrl(parseDatabaseUrl(text, CWD)), shown);
});

Deno.test("redactText() masks URL passwords by position, never by their text", () => {
  const cases: [string, string][] = [
    ["postgres://u:secret@h:5432/db", "postgres://u:***@h:5432/db"],
    ["postgres://u@h/db", "postgres://u@h/db"],
    // Short passwords and passwords equal to other text leave that text alone.
    [
      "error: Cannot connect to postgres://app:e@h/db",
      "error: Cannot connect to postgres://app:***@h/db",
    ],
    [
      "error: Cannot connect to postgres://postgres:postgres@h:1/postgres: connection refused",
      "error: Cannot connect to postgres://postgres:***@h:1/postgres: connection refused",
    ],
    // Unencoded "@" and "/" in the password: everything before the last "@" goes.
    ["at postgres://app:pa@ss/SECRETPART@host/db now", "at postgres://***@host/db now"],
    ["postgres://h/db?user=u&password=x&a=1", "postgres://h/db?user=u&password=***&a=1"],
    [
      'url "postgres://u:pw@h/db" and redis://:pw2@cache:6379',
      'url "postgres://u:***@h/db" and redis://:***@cache:6379',
    ],
    ["sqlite:/tmp/a@b.db", "sqlite:/tmp/a@b.db"],
  ];
  for (const [text, expected] of cases) assertEquals(redactText(text), expected);
});

Deno.test("hideUserinfo() masks the whole userinfo, also in malformed text", () => {
  const cases: [string, string][] = [
    ["postgres://u:secret@h/db", "postgres://***@h/db"],
    ["postgres://u:p@ss/w@rd@h/db", "postgres://***@h/db"],
    ["postgres:u:secret@h/db", "postgres:***@h/db"],
    ["postgres//u:secret@h/db", "***@h/db"],
    ["u:secret@h/db", "u:***@h/db"],
    ["postgres://h/db", "postgres://h/db"],
    ["sqlite:/tmp/a@b.db", "sqlite:/tmp/a@b.db"],
  ];
  for (const [text, expected] of cases) assertEquals(hideUserinfo(text), expected);
});

Deno.test("parseDatabaseUrl() refuses a scheme no engine has, listing every engine's schemes and forms", () => {
  const schemes = ENGINES.flatMap((e) => e.schemes);
  for (const text of ["mysql://u:hunter22@h/db", "cockroachdb://root@h:26257/d", "sqlite3:a.db"]) {
    const err = throwsWith(() => parseDatabaseUrl(text, CWD), ConfigError, "unsupported scheme");
    assert(err.hint?.endsWith(`(known schemes: ${schemes.join(", ")})`), err.hint);
    for (const example of ENGINES.flatMap((e) => e.urlExamples)) {
      assert(err.hint?.includes(example), `${example} missing from: ${err.hint}`);
    }
    assert(!`${err.message} ${err.hint}`.includes("hunter22"));
    assertEquals(err.exitCode, 2);
  }
});

Deno.test("parseDatabaseUrl() hands each engine's examples, in any case and with a +driver suffix, to that engine", () => {
  for (const engine of ENGINES) {
    for (const example of engine.urlExamples) {
      const url = parseDatabaseUrl(example, CWD);
      assertEquals([url.dialect, url.raw], [engine.name, example]);
      assertEquals(displayUrl(url), engine.displayUrl(url));
      assert(!displayUrl(url).includes(":password@"), displayUrl(url));
      // The scheme picks the engine whatever its case and driver suffix; the rest is the same URL.
      const [scheme] = example.split(":");
      const suffixed = `${scheme?.toUpperCase()}+somedriver${example.slice(scheme!.length)}`;
      assertEquals({ ...parseDatabaseUrl(suffixed, CWD), raw: example }, url);
    }
  }
});

Deno.test("parseDatabaseUrl() asks the engines what a URL without a scheme probably meant", () => {
  const hint = (text: string) => throwsWith(() => parseDatabaseUrl(text, CWD), ConfigError).hint;
  assertEquals(hint("data/app.sqlite3"), 'did you mean "sqlite:data/app.sqlite3"?');
  // No engine recognizes it: every form is listed instead, and no password is shown.
  const err = throwsWith(() => parseDatabaseUrl("//app:hunter22@db/app", CWD), ConfigError);
  assert(!err.message.includes("hunter22"), err.message);
  assertEquals(err.hint, hint(""));
  for (const example of ENGINES.flatMap((e) => e.urlExamples)) {
    assert(err.hint?.includes(example), err.hint);
  }
});
