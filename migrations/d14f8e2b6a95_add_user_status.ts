import type { Op } from "@strata/strata/migration";

// The other branch made from 7a41c9d05e36 at the same time as 9b6e03f18c2d.
export const revision = "d14f8e2b6a95";
export const downRevision: string | string[] | null = "7a41c9d05e36";
export const message = "add user status";

export async function upgrade(op: Op) {
  // Add nullable, backfill from the old flag, then require it.
  await op.addColumn("users", "status", { type: "varchar(16)" });
  await op.execute(
    "UPDATE users SET status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END",
  );
  await op.alterColumn("users", "status", { nullable: false, default: "active" });
}

export async function downgrade(op: Op) {
  await op.dropColumn("users", "status");
}
