/**
 * The parsed database URL: one member per engine, each tagged with the
 * engine's name in `dialect` and defined beside its parser in
 * `dialects/<name>/url.ts`. A new engine adds its member here; its
 * `parseUrl` returns `UrlOf<name>`, which is `never` until it does, so the
 * compiler points here.
 *
 * @module
 */
import type { PostgresUrl } from "./postgres/url.ts";
import type { SqliteUrl } from "./sqlite/url.ts";

/** A parsed database URL. The password lives only here, never in messages. */
export type DatabaseUrl = SqliteUrl | PostgresUrl;

/**
 * The URL type of the engine called `N`: its member of
 * {@linkcode DatabaseUrl} (an intersection rather than `Extract`, so that an
 * `Engine<"sqlite">` still counts as an `Engine<string>`).
 *
 * @typeParam N An engine name.
 */
export type UrlOf<N extends string> = DatabaseUrl & { dialect: N };
