/**
 * A shadow database that replays the script's statements only when
 * something reads it.
 *
 * SQLite re-reads its schema table for every `CREATE`, so replaying each
 * statement as it was written made `--sql` grow with the square of the number
 * of migrations (10,000 table-creating migrations: 13 s). Most scripts never
 * read the shadow: only a table rebuild or an enum change inspects it. Those
 * that do replay everything written so far, in order, before the first read.
 *
 * @module
 */
import type { Queryable, Row, Statement } from "../drivers/driver.ts";
import { OfflineError, StrataError } from "../errors.ts";

/** A statement waiting to be replayed, with the migration that wrote it. */
interface Pending {
  stmt: Statement;
  revision: string | undefined;
}

/** Buffers statements for a shadow database; replays them on the first read after them. */
export class LazyShadow implements Queryable {
  #target: Queryable;
  #pending: Pending[] = [];
  /** The revision whose statements are being written (named if its replay fails). */
  revision: string | undefined;

  /** @param target The shadow database that finally runs the statements. */
  constructor(target: Queryable) {
    this.#target = target;
  }

  /** Queues a statement for the shadow. */
  execute(stmt: Statement): Promise<void> {
    this.#pending.push({ stmt, revision: this.revision });
    return Promise.resolve();
  }

  /** Replays what is queued, then reads. */
  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    await this.flush();
    return await this.#target.query(sql, params);
  }

  /**
   * Replays every queued statement in order.
   *
   * @throws {OfflineError} When the shadow rejects one: names the migration
   *   that wrote it.
   */
  async flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const { stmt, revision } = this.#pending.shift()!;
      try {
        await this.#target.execute(stmt);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new OfflineError(
          `Cannot replay ${
            revision ? `migration ${revision}'s` : "a"
          } statement into the shadow database: ${reason}`,
          {
            cause,
            ...(cause instanceof StrataError && cause.hint ? { hint: cause.hint } : {}),
          },
        );
      }
    }
  }
}
