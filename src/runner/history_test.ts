import assert from "node:assert/strict";
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
import { openDriver } from "../drivers/mod.ts";
import { appliedChecksums, type HistoryEntry, readHistory } from "./history.ts";

let id = 0;
const entry = (revision: string, direction: string, checksum: string | null): HistoryEntry => ({
  id: ++id,
  revision,
  direction,
  checksum,
  appliedAt: "2026-12-03 10:00:00",
});
const up = (revision: string, checksum: string | null) => entry(revision, "up", checksum);
const down = (revision: string) => entry(revision, "down", null);

Deno.test("appliedChecksums() keeps the latest up per revision and forgets a revision taken down", () => {
  const applied = appliedChecksums([
    up("a1", "crc32n:00000001"),
    up("b2", "crc32n:00000002"),
    down("b2"),
    up("c3", "crc32n:00000003"),
    down("c3"),
    up("c3", "crc32n:00000033"), // re-applied after an edit: the new checksum counts
    up("d4", null), // a row written without a checksum cannot be compared
  ]);
  assert.deepEqual([...applied], [["a1", "crc32n:00000001"], ["c3", "crc32n:00000033"]]);
  assert.equal(appliedChecksums([]).size, 0);
});

Deno.test("readHistory() reads nothing and creates nothing on an empty database", async () => {
  const db = await openDriver("sqlite::memory:");
  try {
    const dialect = sqliteEngine.dialect;
    assert.deepEqual(await readHistory(db, dialect, "strata_history"), []);
    assert.deepEqual(await db.query("SELECT name FROM sqlite_master"), []);
  } finally {
    await db.close();
  }
});
