/**
 * Where the two sides of a comparison come from. The current side is the
 * project's database (read only), or, with a dev URL, a scratch database the
 * migrations are replayed into (in memory for SQLite; a database created on
 * the dev server and dropped afterwards for PostgreSQL), so no project
 * database is needed. The declared side is normalised on the same server
 * (see `normalize.ts`).
 *
 * @module
 */
import type { Config } from "../config/resolve.ts";
import type { DatabaseUrl } from "../config/url.ts";
import type { Dialect } from "../dialects/dialect.ts";
import { engineByName } from "../dialects/registry.ts";
import type { Driver } from "../drivers/driver.ts";
import { openDriver } from "../drivers/mod.ts";
import { StrataError, UsageError } from "../errors.ts";
import { planUpgrade } from "../graph/plan.ts";
import { Migrator } from "../runner/migrator.ts";
import type { DeclaredSchema } from "../schema/declared.ts";
import type { Schema } from "../schema/model.ts";
import { normalizeDeclared, type NormalizedSchema } from "./normalize.ts";

/** The current side of a comparison. */
export interface CurrentSchema {
  schema: Schema;
  /** Version rows of the database (after the replay, with a dev URL). */
  rows: string[];
  /** Revisions `upgrade heads` would still apply (empty: at head). */
  pending: string[];
  /** How messages name this side: "the database" or "the migrations". */
  label: string;
}

/** Options of {@linkcode AutogenSession.open}. */
export interface SessionOptions {
  /**
   * A dev database URL: `sqlite::memory:`, or a PostgreSQL server where
   * Strata may create (and drop) a scratch database.
   */
  devUrl?: DatabaseUrl;
}

/** One comparison's databases; close it when done (a dev database is dropped then). */
export class AutogenSession {
  readonly migrator: Migrator;
  readonly dialect: Dialect;
  readonly dev: boolean;
  #cleanup: () => Promise<void>;

  private constructor(migrator: Migrator, dev: boolean, cleanup: () => Promise<void>) {
    this.migrator = migrator;
    this.dialect = migrator.dialect;
    this.dev = dev;
    this.#cleanup = cleanup;
  }

  /**
   * Opens the session: the project's migrator, or a dev database with the
   * migrations replayed to their heads.
   *
   * @param config The project's configuration (its URL is not used with a dev URL).
   * @param options The dev URL, if any.
   * @returns The session.
   * @throws {UsageError} For a SQLite dev URL that is not `sqlite::memory:`.
   */
  static async open(config: Config, options: SessionOptions = {}): Promise<AutogenSession> {
    const dev = options.devUrl;
    if (dev === undefined) {
      return new AutogenSession(new Migrator(config), false, () => Promise.resolve());
    }
    const engine = engineByName(dev.dialect);
    const dialect = engine.dialect;
    const { scratch } = dialect.autogen;
    if (scratch.kind === "memory" && !scratch.isMemory(dev)) {
      throw new UsageError(`--dev-url for ${engine.title} must be ${scratch.url}`, {
        hint: "Strata replays the migrations into a fresh in-memory database",
      });
    }
    const devDatabase = dialect.autogen.devDatabase;
    if (devDatabase === undefined) {
      const migrator = new Migrator({ ...config, url: dev });
      const session = new AutogenSession(migrator, true, () => migrator.close());
      await session.#replay();
      return session;
    }
    // A server: create a scratch database on it, replay there, drop it at the end.
    const admin = await openDriver(dev);
    const name = `strata_dev_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    let migrator: Migrator | undefined;
    const cleanup = async () => {
      try {
        await migrator?.close();
      } finally {
        try {
          for (const stmt of devDatabase.drop(name)) await admin.execute(stmt);
        } finally {
          await admin.close();
        }
      }
    };
    try {
      try {
        for (const stmt of devDatabase.create(name)) await admin.execute(stmt);
      } catch (e) {
        if (!(e instanceof StrataError)) throw e;
        throw new StrataError(`Cannot create a scratch database for --dev-url: ${e.message}`, {
          hint:
            "--dev-url needs a server and role that may CREATE DATABASE (it is dropped afterwards)",
          cause: e,
        });
      }
      migrator = new Migrator({ ...config, url: devDatabase.urlFor(dev, name) });
      const session = new AutogenSession(migrator, true, cleanup);
      await session.#replay();
      return session;
    } catch (e) {
      await cleanup().catch(() => {});
      throw e;
    }
  }

  async #replay(): Promise<void> {
    if ((await this.migrator.scripts()).length > 0) await this.migrator.upgrade("heads");
  }

  /** The connection the comparison reads (and normalises the declared schema on). */
  driver(): Promise<Driver> {
    return this.migrator.driver();
  }

  /**
   * Reads the current schema (Strata's own tables left out) and where the
   * database is in the revision graph.
   *
   * @returns The current side.
   */
  async current(): Promise<CurrentSchema> {
    const { versionTable, historyTable } = this.migrator.config;
    const scripts = await this.migrator.scripts();
    const rows = await this.migrator.current();
    const pending = scripts.length === 0
      ? []
      : planUpgrade(await this.migrator.graph(), rows, "heads").map((s) => s.revision);
    const schema = await this.dialect.introspect(await this.driver(), {
      exclude: [versionTable, historyTable],
    });
    return { schema, rows, pending, label: this.dev ? "the migrations" : "the database" };
  }

  /**
   * Normalises a declared schema on this session's server.
   *
   * @param declared The declared schema.
   * @param file Its file, for errors.
   * @returns The normalised schema.
   */
  async declared(declared: DeclaredSchema, file: string): Promise<NormalizedSchema> {
    const needsConnection = this.dialect.autogen.scratch.kind === "schema";
    return await normalizeDeclared(declared, this.dialect, {
      file,
      ...(needsConnection ? { connection: await this.driver() } : {}),
    });
  }

  /** Closes connections; drops a dev database. */
  async close(): Promise<void> {
    await this.#cleanup();
    await this.migrator.close();
  }
}
