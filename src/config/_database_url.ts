/**
 * Which database the layers name. The rules (README, "Configuration"):
 *
 * - A full URL (`-u/--url`, `STRATA_URL`, `DATABASE_URL`, `url` in the config
 *   file) wins whole over everything in its own layer and the layers below.
 * - `POSTGRES_*` parts merge key by key across the layers (environment,
 *   `.env`, the file's `postgres` object), a higher layer winning per key.
 *   Any part means PostgreSQL; host defaults to `localhost`, port to 5432,
 *   user to `postgres`, database to the user's name, as psql does.
 * - Parts in a layer above the layer of a full PostgreSQL URL replace those
 *   components of it (`POSTGRES_HOST=127.0.0.1` in the environment over a
 *   `DATABASE_URL` in `.env` connects to 127.0.0.1 with the rest of the URL).
 *   Over a SQLite URL they are an error: Strata will not guess which one the
 *   user meant.
 * - Nothing anywhere: no database. Strata never picks one by itself.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { Found, Layer, PgPart } from "./_layers.ts";
import { type DatabaseUrl, parseDatabaseUrl, type PostgresParts, postgresUrl } from "./url.ts";

/** The database the layers name, and every source that contributed to it. */
export interface ResolvedUrl {
  url: DatabaseUrl | undefined;
  /** E.g. `["env POSTGRES_HOST", ".env DATABASE_URL"]`; empty when there is no URL. */
  sources: string[];
}

/**
 * Resolves the database URL from layers ordered highest first.
 *
 * @param layers The layers.
 * @returns The URL (or none) and its sources.
 * @throws {ConfigError} For a malformed URL or port, or parts over a SQLite URL.
 */
export function resolveUrl(layers: readonly Layer[]): ResolvedUrl {
  const above: Partial<Record<PgPart, Found>> = {};
  for (const layer of layers) {
    const full = layer.url();
    if (full !== undefined) return withParts(parseFound(full), full, above);
    for (const [part, found] of Object.entries(layer.parts()) as [PgPart, Found][]) {
      above[part] ??= found;
    }
  }
  const given = inOrder(above);
  if (given.length === 0) return { url: undefined, sources: [] };
  const user = above.user?.value ?? "postgres";
  const parts: PostgresParts = {
    host: above.host?.value ?? "localhost",
    port: above.port ? port(above.port) : 5432,
    user,
    password: above.password?.value,
    database: above.database?.value ?? user,
  };
  return { url: postgresUrl(parts), sources: given.map((f) => f.source) };
}

function withParts(
  url: DatabaseUrl,
  full: Found,
  above: Partial<Record<PgPart, Found>>,
): ResolvedUrl {
  const given = inOrder(above);
  if (given.length === 0) return { url, sources: [full.source] };
  const names = given.map((f) => f.source).join(", ");
  if (url.dialect !== "postgres") {
    throw new ConfigError(
      `Cannot combine ${names} with the SQLite URL from ${full.source}`,
      { hint: "remove the POSTGRES_* settings or the SQLite URL: Strata will not guess which" },
    );
  }
  const parts: PostgresParts = {
    host: above.host?.value ?? url.host,
    port: above.port ? port(above.port) : url.port,
    user: above.user?.value ?? url.user,
    password: above.password ? above.password.value : url.password,
    database: above.database?.value ?? url.database,
  };
  return {
    url: postgresUrl(parts, { search: new URL(url.url).search }),
    sources: [...given.map((f) => f.source), full.source],
  };
}

const PART_ORDER: readonly PgPart[] = ["host", "port", "user", "password", "database"];

/** The parts given, in URL order (host, port, user, password, database). */
function inOrder(parts: Partial<Record<PgPart, Found>>): Found[] {
  return PART_ORDER.flatMap((p) => parts[p] ? [parts[p]] : []);
}

function parseFound(found: Found): DatabaseUrl {
  try {
    return parseDatabaseUrl(found.value, found.base);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(`${e.message} (from ${found.source})`, { hint: e.hint });
  }
}

function port(found: Found): number {
  const n = Number(found.value.trim());
  if (/^\d+$/.test(found.value.trim()) && n >= 1 && n <= 65535) return n;
  throw new ConfigError(
    `Cannot use port "${found.value}" (from ${found.source}): not a TCP port number`,
    { hint: "use a whole number from 1 to 65535, e.g. 5432" },
  );
}
