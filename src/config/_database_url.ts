/**
 * Which database the layers name. The rules (README, "Configuration"):
 *
 * - A full URL (`-u/--url`, `STRATA_URL`, `DATABASE_URL`, `url` in the config
 *   file) wins whole over everything in its own layer and the layers below.
 * - An engine may take its URL in parts too (PostgreSQL: `POSTGRES_*`
 *   variables and the config file's `postgres` object; the registry says
 *   which engines, with which variables). Parts merge key by key across the
 *   layers (environment, `.env`, config file), a higher layer winning per
 *   part, and the engine builds the URL from them with its defaults
 *   (PostgreSQL's are psql's).
 * - Parts in a layer above the layer of a full URL of their engine replace
 *   those components of it (`POSTGRES_HOST=127.0.0.1` in the environment over
 *   a `DATABASE_URL` in `.env` connects to 127.0.0.1 with the rest of the
 *   URL). Over another engine's URL, or beside another engine's parts, they
 *   are an error: Strata will not guess which one the user meant.
 * - Nothing anywhere: no database. Strata never picks one by itself.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { Engine, UrlParts } from "../dialects/engine.ts";
import { ENGINES } from "../dialects/registry.ts";
import type { Found, Layer } from "./_layers.ts";
import { type DatabaseUrl, parseDatabaseUrl } from "./url.ts";

/** The database the layers name, and every source that contributed to it. */
export interface ResolvedUrl {
  url: DatabaseUrl | undefined;
  /** E.g. `["env POSTGRES_HOST", ".env DATABASE_URL"]`; empty when there is no URL. */
  sources: string[];
}

/** Parts given for one engine, merged across layers (a higher layer first). */
interface Given {
  engine: Engine;
  spec: UrlParts;
  parts: Record<string, Found>;
}

/**
 * Resolves the database URL from layers ordered highest first.
 *
 * @param layers The layers.
 * @param engines The engines, asked which take their URL in parts and for
 *   their names in messages (default: the registry's).
 * @returns The URL (or none) and its sources.
 * @throws {ConfigError} For a malformed URL or part, parts over another
 *   engine's URL, or parts of two engines.
 */
export function resolveUrl(
  layers: readonly Layer[],
  engines: readonly Engine[] = ENGINES,
): ResolvedUrl {
  const given: Given[] = engines.flatMap((engine) =>
    engine.urlParts ? [{ engine, spec: engine.urlParts, parts: {} }] : []
  );
  for (const layer of layers) {
    const full = layer.url();
    if (full !== undefined) return overUrl(parseFound(full), full, given, engines);
    for (const g of given) {
      for (const [name, found] of Object.entries(layer.parts(g.spec))) g.parts[name] ??= found;
    }
  }
  const one = theEngine(given);
  if (one === undefined) return { url: undefined, sources: [] };
  return { url: one.spec.build(one.parts, undefined), sources: inOrder(one).map((f) => f.source) };
}

/** The full URL, with the parts given above it applied. */
function overUrl(
  url: DatabaseUrl,
  full: Found,
  given: readonly Given[],
  engines: readonly Engine[],
): ResolvedUrl {
  const one = theEngine(given);
  if (one === undefined) return { url, sources: [full.source] };
  const names = inOrder(one).map((f) => f.source);
  if (url.dialect !== one.engine.name) {
    const title = engines.find((e) => e.name === url.dialect)?.title ?? url.dialect;
    throw new ConfigError(
      `Cannot combine ${names.join(", ")} with the ${title} URL from ${full.source}`,
      {
        hint: `remove the ${one.spec.label} settings or the ${title} URL: ` +
          "Strata will not guess which",
      },
    );
  }
  return {
    url: one.spec.build(one.parts, url),
    sources: [...names, full.source],
  };
}

/** The one engine whose parts were given, if any; parts of two engines are an error. */
function theEngine(given: readonly Given[]): Given | undefined {
  const some = given.filter((g) => Object.keys(g.parts).length > 0);
  if (some.length > 1) {
    const [a, b] = some.map((g) => inOrder(g)[0]?.source);
    throw new ConfigError(`Cannot combine ${a} with ${b}: they name different databases`, {
      hint: `keep the ${some.map((g) => g.spec.label).join(" or the ")} settings, ` +
        "not both: Strata will not guess which",
    });
  }
  return some[0];
}

/** The parts given, in the engine's URL order (PostgreSQL: host, port, user, password, database). */
function inOrder(given: Given): Found[] {
  return given.spec.parts.flatMap(({ name }) => {
    const found = given.parts[name];
    return found ? [found] : [];
  });
}

function parseFound(found: Found): DatabaseUrl {
  try {
    return parseDatabaseUrl(found.value, found.base);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(`${e.message} (from ${found.source})`, { hint: e.hint });
  }
}
