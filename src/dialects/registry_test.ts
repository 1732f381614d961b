import assert from "node:assert/strict";
import { ConfigError, UsageError } from "../errors.ts";
import { rejectsWith, throwsWith } from "../drivers/_test_helpers.ts";
import { parseDatabaseUrl } from "../config/url.ts";
import { openDriver } from "../drivers/mod.ts";
import { postgresEngine } from "./postgres/mod.ts";
import { engineByName, engineByScheme, ENGINES, getDialect, isDialectName } from "./registry.ts";
import { sqliteEngine } from "./sqlite/mod.ts";

Deno.test("engineByName() finds each registered engine by its name", () => {
  assert.equal(engineByName("sqlite"), sqliteEngine);
  assert.equal(engineByName("postgres"), postgresEngine);
  assert.equal(getDialect("postgres"), postgresEngine.dialect);
  for (const engine of ENGINES) assert.equal(engineByName(engine.name), engine);
});

Deno.test("engineByName() rejects an unknown name with a usage error that lists the known ones", () => {
  for (const name of ["mysql", "SQLITE", "postgresql", ""]) {
    const err = throwsWith(() => engineByName(name), UsageError, `Unknown dialect "${name}"`);
    assert.equal(err.exitCode, 2);
    assert.equal(err.hint, "known dialects: sqlite, postgres");
    assert.equal(isDialectName(name), false);
  }
  assert.equal(isDialectName("sqlite"), true);
});

Deno.test("engineByScheme() ignores case and SQLAlchemy's +driver suffix", () => {
  const cases: [string, string][] = [
    ["sqlite", "sqlite"],
    ["SQLite", "sqlite"],
    ["sqlite+pysqlite", "sqlite"],
    ["postgres", "postgres"],
    ["postgresql", "postgres"],
    ["postgresql+asyncpg", "postgres"],
    ["PostgreSQL+psycopg", "postgres"],
  ];
  for (const [scheme, name] of cases) assert.equal(engineByScheme(scheme).name, name, scheme);
});

Deno.test("engineByScheme() rejects an unknown scheme with a config error naming the known forms", () => {
  for (const scheme of ["mysql", "postgresx", "cockroachdb", "sqlite3", ""]) {
    const err = throwsWith(() => engineByScheme(scheme), ConfigError);
    assert.equal(err.message, `Cannot use database URL: unsupported scheme "${scheme}"`);
    assert.equal(err.exitCode, 2);
    assert.match(err.hint ?? "", /known schemes: sqlite, postgres, postgresql\)$/);
    assert.match(err.hint ?? "", /^use sqlite:PATH, .* or postgres:\/\/user:password@host/);
  }
});

Deno.test("ENGINES: names and schemes are unique, and each dialect carries its engine's name", () => {
  const names = ENGINES.map((e) => e.name);
  assert.equal(new Set(names).size, names.length);
  const schemes = ENGINES.flatMap((e) => e.schemes);
  assert.equal(new Set(schemes).size, schemes.length, `a scheme names two engines: ${schemes}`);
  for (const engine of ENGINES) {
    assert.equal(engine.dialect.name, engine.name);
    for (const scheme of engine.schemes) {
      assert.equal(scheme, scheme.toLowerCase(), `${engine.name}: schemes are lower case`);
      assert.equal(engineByScheme(scheme), engine);
    }
    // Every example URL the hint shows parses back to its own engine.
    for (const example of engine.urlExamples) {
      assert.equal(parseDatabaseUrl(example, "/srv").dialect, engine.name, example);
    }
  }
});

Deno.test("ENGINES: what init suggests and the URL-from-parts variables each name their own engine", () => {
  for (const engine of ENGINES) {
    // The example may carry a note after the URL.
    const [example = ""] = engine.initExample.split(/\s+/);
    assert.equal(parseDatabaseUrl(example, "/srv").dialect, engine.name, engine.initExample);
    const parts = engine.urlParts;
    if (parts === undefined) continue;
    const given = Object.fromEntries(parts.parts.map((p) => [p.name, {
      value: p.numeric ? "6000" : `v_${p.name}`,
      source: `env ${p.env}`,
    }]));
    const url = parts.build(given, undefined);
    assert.equal(url.dialect, engine.name);
    // Every part reached the URL: none of the given values is lost.
    for (const { value } of Object.values(given)) {
      assert(JSON.stringify(url).includes(value), `${value} missing from ${engine.name} parts URL`);
    }
  }
});

Deno.test("openDriver() refuses an unknown scheme before connecting, without the password", async () => {
  const err = await rejectsWith(
    () => openDriver("mysql://app:hunter22@db.example/app"),
    ConfigError,
    'unsupported scheme "mysql"',
  );
  assert(!`${err.message} ${err.hint}`.includes("hunter22"));
});

Deno.test("docs/adding-an-engine.md describes every field of the descriptor, the dialect and the capabilities", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/adding-an-engine.md", import.meta.url));
  for (const engine of ENGINES) {
    for (const key of Object.keys(engine)) {
      assert.match(doc, new RegExp(`^\\| \`${key}[:(\` ]`, "m"), key);
    }
    for (const key of Object.keys(engine.capabilities)) assert(doc.includes(`**\`${key}`), key);
    for (const key of Object.keys(engine.urlParts ?? {})) {
      assert.match(doc, new RegExp(`^\\| \`${key}[(\` ]`, "m"), `urlParts.${key}`);
    }
    for (const key of new Set(engine.urlParts?.parts.flatMap((p) => Object.keys(p)))) {
      assert.match(doc, new RegExp(`\\{ [^}]*\\b${key}\\b[^}]*\\}`), `urlParts.parts[].${key}`);
    }
    for (const key of ["versionSql", "historySql", "script"]) {
      for (const member of Object.keys(engine.dialect[key as "versionSql"])) {
        assert.match(doc, new RegExp(`${key}\\.(\\w+/)*${member}\\b`), `${key}.${member}`);
      }
    }
  }
});
