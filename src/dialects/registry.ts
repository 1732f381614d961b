/**
 * The engine registry: every database Strata supports, one line each. Code
 * outside `dialects/` and `drivers/` finds an engine here, by name or by URL
 * scheme, and asks its {@linkcode Capabilities} rather than comparing names.
 * Adding an engine is a folder `dialects/<name>/` whose `mod.ts` exports an
 * {@linkcode Engine}, its name in `names.ts` and its line here
 * (`docs/adding-an-engine.md`).
 *
 * @example Finding an engine
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineByName, engineByScheme } from "./registry.ts";
 * assert.equal(engineByScheme("postgresql+psycopg").name, "postgres");
 * assert.equal(engineByName("sqlite").capabilities.backup.kind, "copyFile");
 * ```
 *
 * @module
 */
import { ConfigError, UsageError } from "../errors.ts";
import type { Capabilities, Engine, UrlParts } from "./engine.ts";
import type { Dialect } from "./dialect.ts";
import { DIALECT_NAMES, type DialectName } from "./names.ts";
import { postgresEngine } from "./postgres/mod.ts";
import { sqliteEngine } from "./sqlite/mod.ts";

export type { Capabilities, DialectName, Engine, UrlParts };

/**
 * The registry: one engine per name in `names.ts`. The type makes a name
 * without an engine, an engine without a name, or an engine under another
 * engine's name a compile error.
 */
const BY_NAME: { readonly [N in DialectName]: Engine<N> } = {
  sqlite: sqliteEngine,
  postgres: postgresEngine,
};

/** An engine from the registry (its name is a {@linkcode DialectName}). */
export type RegisteredEngine = Engine<DialectName>;

/** Every engine, in the order help texts list them. */
export const ENGINES: readonly RegisteredEngine[] = DIALECT_NAMES.map((name) => BY_NAME[name]);

/** The engine names, for messages: `sqlite, postgres`. */
function knownNames(): string {
  return ENGINES.map((e) => e.name).join(", ");
}

/**
 * Tells whether `name` is a registered engine's name.
 *
 * @param name Any text.
 * @returns `true` for a {@linkcode DialectName}.
 */
export function isDialectName(name: string): name is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(name);
}

/**
 * The engine called `name`.
 *
 * @param name An engine name, e.g. from `--dialect`.
 * @returns The engine.
 * @throws {UsageError} When no engine has that name (the hint lists the known ones).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineByName } from "./registry.ts";
 * assert.equal(engineByName("postgres").title, "PostgreSQL");
 * assert.throws(() => engineByName("mysql"), /Unknown dialect "mysql"/);
 * ```
 */
export function engineByName(name: string): RegisteredEngine {
  const engine = ENGINES.find((e) => e.name === name);
  if (engine === undefined) {
    throw new UsageError(`Unknown dialect "${name}"`, { hint: `known dialects: ${knownNames()}` });
  }
  return engine;
}

/**
 * The engine whose URLs start with `scheme`. SQLAlchemy's driver suffix is
 * ignored: `postgresql+asyncpg` looks up `postgresql`.
 *
 * @param scheme A URL scheme without the colon, any case.
 * @returns The engine.
 * @throws {ConfigError} When no engine has that scheme (the hint lists the
 *   URL forms of the known ones).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineByScheme } from "./registry.ts";
 * assert.equal(engineByScheme("SQLite").name, "sqlite");
 * assert.throws(() => engineByScheme("mysql"), /unsupported scheme "mysql"/);
 * ```
 */
export function engineByScheme(scheme: string): RegisteredEngine {
  const base = scheme.toLowerCase().split("+")[0] ?? "";
  const engine = ENGINES.find((e) => e.schemes.includes(base));
  if (engine === undefined) {
    throw new ConfigError(`Cannot use database URL: unsupported scheme "${scheme}"`, {
      hint: `${urlFormsHint()} (known schemes: ${ENGINES.flatMap((e) => e.schemes).join(", ")})`,
    });
  }
  return engine;
}

/**
 * The URL forms every engine accepts, as a hint: `use sqlite:PATH, … or
 * postgres://user:password@host:5432/dbname`.
 *
 * @returns The hint text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { urlFormsHint } from "./registry.ts";
 * assert.match(urlFormsHint(), /^use sqlite:PATH, .* or postgres:\/\//);
 * ```
 */
export function urlFormsHint(): string {
  const examples = ENGINES.flatMap((e) => e.urlExamples);
  return `use ${examples.slice(0, -1).join(", ")} or ${examples.at(-1)}`;
}

/**
 * The engines whose URLs can also be given in parts (PostgreSQL's
 * `POSTGRES_*`), each with its {@linkcode UrlParts}.
 *
 * @returns The engines and their parts, in registry order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enginesWithUrlParts } from "./registry.ts";
 * assert.deepEqual(enginesWithUrlParts().map(({ parts }) => parts.label), ["POSTGRES_*"]);
 * ```
 */
export function enginesWithUrlParts(): { engine: RegisteredEngine; parts: UrlParts }[] {
  return ENGINES.flatMap((engine) => engine.urlParts ? [{ engine, parts: engine.urlParts }] : []);
}

/**
 * The dialect of the engine called `name`.
 *
 * @param name An engine name.
 * @returns Its dialect.
 * @throws {UsageError} When no engine has that name.
 */
export function getDialect(name: string): Dialect {
  return engineByName(name).dialect;
}
