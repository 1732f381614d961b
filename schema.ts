/**
 * The demo's declared schema: what the migrations in ./migrations build.
 * `strata check` compares the database with it; after editing it,
 * `strata revision --autogenerate -m "…"` writes the migration.
 */
import type { DeclaredSchema } from "@strata/strata/schema";

export default {
  enums: {
    message_role: ["user", "assistant", "system"],
  },
  tables: {
    users: {
      columns: {
        id: { type: "integer", primaryKey: true, autoIncrement: true },
        email: { type: "varchar(255)", nullable: false, unique: true },
        name: { type: "text", nullable: false },
        is_active: { type: "boolean", nullable: false, default: true },
        created_at: { type: "timestamp", nullable: false, default: { $sql: "CURRENT_TIMESTAMP" } },
        bio: { type: "text" },
        status: { type: "varchar(16)", nullable: false, default: "active" },
      },
      indexes: {
        ix_users_name: { columns: ["name"] },
      },
    },
    conversations: {
      columns: {
        id: { type: "integer", primaryKey: true, autoIncrement: true },
        title: { type: "varchar(200)", nullable: false },
        created_by: { type: "integer", references: "users.id" },
        created_at: { type: "timestamp", nullable: false, default: { $sql: "CURRENT_TIMESTAMP" } },
      },
    },
    messages: {
      columns: {
        id: { type: "integer", primaryKey: true, autoIncrement: true },
        conversation_id: { type: "integer", nullable: false },
        author_id: { type: "integer", references: "users.id" },
        role: { type: "enum:message_role", nullable: false, default: "user" },
        body: { type: "text", nullable: false },
        created_at: { type: "timestamp", nullable: false, default: { $sql: "CURRENT_TIMESTAMP" } },
      },
      foreignKeys: [
        {
          name: "fk_messages_conversation",
          columns: ["conversation_id"],
          references: "conversations",
          refColumns: ["id"],
          onDelete: "cascade",
        },
      ],
      indexes: {
        ix_messages_conversation_created: { columns: ["conversation_id", "created_at"] },
      },
    },
    canned_replies: {
      columns: {
        slug: { type: "varchar(64)", primaryKey: true },
        title: { type: "text", nullable: false },
        body: { type: "text", nullable: false },
      },
    },
  },
} satisfies DeclaredSchema;
