/**
 * `capabilities.enumValueUsableBeforeCommit` says what the real database
 * does: the offline writer refuses `--transaction-per run` scripts on its
 * answer, so a wrong one would be a refused good script or a broken one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createPgDatabase, hasPg } from "../../tests/_pg.ts";
import type { Change } from "../changes/change.ts";
import { parseDatabaseUrl } from "../config/url.ts";
import { ENGINES } from "./registry.ts";

for (const engine of ENGINES) {
  Deno.test(`${engine.name}: capabilities.enumValueUsableBeforeCommit (${engine.capabilities.enumValueUsableBeforeCommit}) is what the database does`, async () => {
    let url: string;
    let drop = () => Promise.resolve();
    const dir = await Deno.makeTempDir({ prefix: "strata-enum-cap-" });
    try {
      if (engine.name === "sqlite") url = `sqlite:${join(dir, "app.db")}`;
      else if (hasPg()) ({ url, drop } = await createPgDatabase("enumcap"));
      else return;
      const db = await engine.openDriver(parseDatabaseUrl(url, dir), { readOnly: false });
      const ctx = { query: db.query.bind(db), transactional: true };
      const run = async (changes: Change[]) => {
        await db.transaction(async (tx) => {
          const session = engine.dialect.session();
          for (const c of changes) {
            for (const s of await session.flushFor(c, ctx)) await tx.execute(s);
            for (const s of await session.render(c, ctx) ?? []) await tx.execute(s);
          }
          for (const s of await session.flush(ctx)) await tx.execute(s);
        });
      };
      try {
        await run([
          { kind: "createEnum", name: "mood", values: ["sad"] },
          {
            kind: "createTable",
            table: "t",
            columns: [{ name: "m", type: "enum:mood", nullable: true }],
            uniques: [],
            checks: [],
            foreignKeys: [],
            ifNotExists: false,
          },
        ]);
        const refused = await run([
          { kind: "addEnumValue", name: "mood", value: "ok", ifNotExists: false },
          { kind: "execute", sql: "INSERT INTO t (m) VALUES ('ok')", params: [] },
        ]).then(() => undefined, (e: Error) => e);
        if (engine.capabilities.enumValueUsableBeforeCommit) {
          assert.equal(refused, undefined);
        } else {
          assert.match(String(refused?.message), /^Cannot use new value "ok" of enum "mood"/);
        }
      } finally {
        await db.close();
      }
    } finally {
      await drop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
