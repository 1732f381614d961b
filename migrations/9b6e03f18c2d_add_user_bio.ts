import type { Op } from "@strata/strata/migration";

// One of two branches made at the same time from 7a41c9d05e36 (see the merge 2f7c5d9a0b84).
export const revision = "9b6e03f18c2d";
export const downRevision: string | string[] | null = "7a41c9d05e36";
export const message = "add user bio";

export async function upgrade(op: Op) {
  await op.addColumn("users", "bio", { type: "text" });
  await op.createIndex("ix_users_name", "users", ["name"]);
}

export async function downgrade(op: Op) {
  await op.dropIndex("ix_users_name", { table: "users" });
  await op.dropColumn("users", "bio");
}
