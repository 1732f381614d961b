import type { Op } from "@strata/strata/migration";

// A data migration: loads the canned replies kept as JSON files next to the
// migrations into a table; downgrade writes the table back out as files.
export const revision = "e3a90c6b1f57";
export const downRevision: string | string[] | null = "b85a7e1c4d20";
export const message = "import canned replies from JSON files";

const DATA_DIR = new URL("./data/canned_replies/", import.meta.url);

interface CannedReply {
  slug: string;
  title: string;
  body: string;
}

export async function upgrade(op: Op) {
  await op.createTable("canned_replies", {
    slug: { type: "varchar(64)", primaryKey: true },
    title: { type: "text", nullable: false },
    body: { type: "text", nullable: false },
  });
  const rows: CannedReply[] = [];
  for await (const entry of Deno.readDir(DATA_DIR)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const reply = JSON.parse(await Deno.readTextFile(new URL(entry.name, DATA_DIR)));
    rows.push({ slug: entry.name.slice(0, -5), title: reply.title, body: reply.body });
  }
  rows.sort((a, b) => a.slug.localeCompare(b.slug)); // deterministic order, also offline
  if (rows.length) await op.bulkInsert("canned_replies", rows);
}

export async function downgrade(op: Op) {
  if (!op.isOffline) {
    // Write the rows back so edits made in the database are not lost.
    const rows = await op.query("SELECT slug, title, body FROM canned_replies ORDER BY slug");
    for (const r of rows) {
      const text = JSON.stringify({ title: r.title, body: r.body }, null, 2) + "\n";
      await Deno.writeTextFile(new URL(`${r.slug}.json`, DATA_DIR), text);
    }
  }
  await op.dropTable("canned_replies");
}
