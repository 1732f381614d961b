import type { Op } from "@strata/strata/migration";

export const revision = "7a41c9d05e36";
export const downRevision: string | string[] | null = "5e8d2a4c7f10";
export const message = "create messages";

export async function upgrade(op: Op) {
  await op.createEnum("message_role", ["user", "assistant", "system"]);
  await op.createTable("messages", {
    id: { type: "integer", primaryKey: true, autoIncrement: true },
    conversation_id: { type: "integer", nullable: false },
    author_id: { type: "integer", references: "users.id" },
    role: { type: "enum:message_role", nullable: false, default: "user" },
    body: { type: "text", nullable: false },
    created_at: { type: "timestamp", nullable: false, default: op.sql("CURRENT_TIMESTAMP") },
  });
  // Deleting a conversation deletes its messages.
  await op.createForeignKey(
    "fk_messages_conversation",
    "messages",
    ["conversation_id"],
    "conversations",
    ["id"],
    { onDelete: "cascade" },
  );
  await op.createIndex("ix_messages_conversation_created", "messages", [
    "conversation_id",
    "created_at",
  ]);
}

export async function downgrade(op: Op) {
  await op.dropTable("messages");
  await op.dropEnum("message_role");
}
