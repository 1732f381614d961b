/**
 * Turns postgres.js errors into Strata's: ConnectionError for anything about
 * reaching or logging in to the server, QueryError for a rejected statement.
 *
 * postgres.js errors are never passed on as `cause` unchanged: a sanitized
 * copy (message with the password masked, no query parameters) takes their
 * place, so nothing the CLI prints under `--debug` can carry the password.
 *
 * @module
 */
import type { DatabaseUrl } from "../config/url.ts";
import { redactText } from "../config/redact.ts";
import { ConnectionError, QueryError, StrataError } from "../errors.ts";

type PostgresUrl = Extract<DatabaseUrl, { dialect: "postgres" }>;

/** Fields of a server error worth keeping in the sanitized cause. */
const PG_FIELDS = [
  "code",
  "severity",
  "detail",
  "hint",
  "position",
  "where",
  "schema_name",
  "table_name",
  "column_name",
  "constraint_name",
] as const;

const LOST = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNRESET",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
]);

/**
 * The URL as shown to users: `postgres://user:***@host:port/db`.
 *
 * @param url The parsed URL.
 * @returns The display form, without the password.
 */
export function displayPgUrl(url: PostgresUrl): string {
  const host = url.host.includes(":") ? `[${url.host}]` : url.host;
  const auth = url.password === undefined ? url.user : `${url.user}:***`;
  return `postgres://${auth}@${host}:${url.port}/${url.database}`;
}

/**
 * Maps an error thrown by postgres.js. Strata errors and errors that did not
 * come from postgres.js (e.g. thrown by a migration) are returned unchanged.
 *
 * @param e The thrown value.
 * @param url The URL connected to (for messages; its password is masked).
 * @param sql The statement that failed, or `undefined` while connecting.
 * @returns The error to throw.
 */
export function mapPgError(e: unknown, url: PostgresUrl, sql: string | undefined): unknown {
  if (e instanceof StrataError || !(e instanceof Error)) return e;
  const rawCode = (e as { code?: unknown }).code;
  const code = typeof rawCode === "string" ? rawCode : undefined;
  const isServer = e.name === "PostgresError";
  if (code === undefined && !isServer && !/connect|socket|lookup|dns/i.test(e.message)) {
    return e; // not a postgres.js error
  }
  const target = displayPgUrl(url);
  const cause = sanitize(e, url);
  const message = redact(e.message, url);
  const fail = (detail: string, hint?: string) =>
    new ConnectionError(`Cannot connect to ${target}: ${detail}`, { hint, cause });

  if (code === "ECONNREFUSED" || /connection refused/i.test(message)) {
    return fail(
      "connection refused",
      `is PostgreSQL running and accepting TCP connections on ${url.host}:${url.port}?`,
    );
  }
  if (
    code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" ||
    /lookup address|name or service not known|nodename nor servname/i.test(message)
  ) {
    return fail(`unknown host "${url.host}"`, "check the host name in the database URL");
  }
  if (code === "CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return fail("timed out", `check that ${url.host}:${url.port} is reachable (firewall, VPN)`);
  }
  if (code === "28P01") {
    return fail(
      `password authentication failed for user "${url.user}"`,
      "check the user name and password in the URL (or POSTGRES_PASSWORD / PGPASSWORD)",
    );
  }
  if (code === "28000" || code?.startsWith("SASL") || code === "AUTH_TYPE_NOT_IMPLEMENTED") {
    return fail(message, "check the user name, password and the server's pg_hba.conf");
  }
  if (code === "3D000") {
    return fail(
      `database "${url.database}" does not exist`,
      `create it first: createdb ${url.database}`,
    );
  }
  if (code !== undefined && LOST.has(code)) {
    // postgres.js's own codes come with "write CONNECTION_CLOSED host:port": say it in words.
    const detail = code.startsWith("57P") ? message : "the server closed the connection";
    return sql === undefined ? fail(detail) : new ConnectionError(
      `Lost the connection to ${target} while running a statement: ${detail}`,
      { hint: "the server closed the session; run the command again", cause },
    );
  }
  if (sql === undefined) return fail(message);
  if (code === "55P04") return unsafeEnumValue(sql, message, cause);
  const pos = Number((e as { position?: unknown }).position);
  const hint = (e as { hint?: unknown }).hint ?? (e as { detail?: unknown }).detail;
  return new QueryError(sql, message, {
    position: Number.isFinite(pos) && pos > 0 ? pos : undefined,
    hint: typeof hint === "string" ? redact(hint, url) : undefined,
    cause,
  });
}

/**
 * SQLSTATE 55P04 (`unsafe_new_enum_value_usage`): a value that `ALTER TYPE …
 * ADD VALUE` added is used before its transaction commits, which PostgreSQL
 * refuses. The way out is the migration's shape, so the message says it.
 */
function unsafeEnumValue(sql: string, message: string, cause: Error): QueryError {
  // "unsafe use of new value "ok" of enum type mood"
  const m = /new value "(.*)" of enum type (.+)$/.exec(message);
  const what = m ? `new value "${m[1]}" of enum "${m[2]}"` : "a new enum value";
  return new QueryError(sql, `Cannot use ${what} in the transaction that added it`, {
    hint: "PostgreSQL cannot use an enum value added by op.addEnumValue before the " +
      "migration commits: split the migration (add the value in one, use it in a later one), " +
      "or mark it `export const transactional = false`",
    cause,
  });
}

/**
 * Masks URL passwords by their place in the URL (see `config/redact.ts`),
 * never by searching for the password's text: that text may equal a user,
 * database or scheme name the message must keep.
 */
function redact(text: string, _url: PostgresUrl): string {
  return redactText(text);
}

/** A plain copy of a postgres.js error without its query, parameters or options. */
function sanitize(e: Error, url: PostgresUrl): Error {
  const copy = new Error(redact(e.message, url));
  copy.name = e.name;
  const fields = e as unknown as Record<string, unknown>;
  for (const key of [...PG_FIELDS, "errno", "address", "port"]) {
    const v = fields[key];
    if (typeof v === "string" || typeof v === "number") {
      (copy as unknown as Record<string, unknown>)[key] = typeof v === "string"
        ? redact(v, url)
        : v;
    }
  }
  return copy;
}
