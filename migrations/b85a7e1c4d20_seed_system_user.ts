import type { Op } from "@strata/strata/migration";

export const revision = "b85a7e1c4d20";
export const downRevision: string | string[] | null = "2f7c5d9a0b84";
export const message = "seed system users and welcome conversation";

export async function upgrade(op: Op) {
  // No explicit ids: the identity / rowid sequences stay in step for the app.
  await op.bulkInsert("users", [
    { email: "system@chat.example", name: "System", is_active: true, status: "active" },
    { email: "help@chat.example", name: "Helper bot", is_active: true, status: "active" },
  ]);
  await op.execute(
    "INSERT INTO conversations (title, created_by) " +
      "SELECT 'Welcome', id FROM users WHERE email = 'system@chat.example'",
  );
  await op.execute(
    "INSERT INTO messages (conversation_id, author_id, body) " +
      "SELECT c.id, u.id, 'Welcome to the chat!' FROM conversations c, users u " +
      "WHERE c.title = 'Welcome' AND u.email = 'system@chat.example'",
  );
  // A bare literal in UPDATE converts to the enum on PostgreSQL and is text on SQLite.
  await op.execute("UPDATE messages SET role = 'system' WHERE body = 'Welcome to the chat!'");
}

export async function downgrade(op: Op) {
  // Delete children first: SQLite does not fire ON DELETE actions during a migration.
  await op.execute(
    "DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE title = 'Welcome')",
  );
  await op.execute("DELETE FROM conversations WHERE title = 'Welcome'");
  await op.execute("DELETE FROM users WHERE email IN ('system@chat.example', 'help@chat.example')");
}
