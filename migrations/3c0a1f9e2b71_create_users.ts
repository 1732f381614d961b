import type { Op } from "@strata/strata/migration";

export const revision = "3c0a1f9e2b71";
export const downRevision: string | string[] | null = null;
export const message = "create users";

export async function upgrade(op: Op) {
  await op.createTable("users", {
    id: { type: "integer", primaryKey: true, autoIncrement: true },
    email: { type: "varchar(255)", nullable: false, unique: true },
    name: { type: "text", nullable: false },
    is_active: { type: "boolean", nullable: false, default: true },
    created_at: { type: "timestamp", nullable: false, default: op.sql("CURRENT_TIMESTAMP") },
  });
}

export async function downgrade(op: Op) {
  await op.dropTable("users");
}
