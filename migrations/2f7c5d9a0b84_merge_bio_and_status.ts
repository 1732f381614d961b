import type { Op } from "@strata/strata/migration";

export const revision = "2f7c5d9a0b84";
export const downRevision: string | string[] | null = ["9b6e03f18c2d", "d14f8e2b6a95"];
export const message = "merge bio and status";

export async function upgrade(_op: Op) {
  // A merge joins the two branches; it changes nothing itself.
}

export async function downgrade(_op: Op) {
}
