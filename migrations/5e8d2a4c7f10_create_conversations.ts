import type { Op } from "@strata/strata/migration";

export const revision = "5e8d2a4c7f10";
export const downRevision: string | string[] | null = "3c0a1f9e2b71";
export const message = "create conversations";

export async function upgrade(op: Op) {
  await op.createTable("conversations", {
    id: { type: "integer", primaryKey: true, autoIncrement: true },
    title: { type: "varchar(200)", nullable: false },
    created_by: { type: "integer", references: "users.id" },
    created_at: { type: "timestamp", nullable: false, default: op.sql("CURRENT_TIMESTAMP") },
  });
}

export async function downgrade(op: Op) {
  await op.dropTable("conversations");
}
