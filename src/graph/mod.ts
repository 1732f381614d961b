/**
 * The revision graph: validation, target resolution and migration plans.
 * Pure: no file or database access, so everything here is tested in memory.
 *
 * @example Plan `upgrade head` on an empty database
 * ```ts
 * import { planUpgrade, RevisionMap } from "./mod.ts";
 * const map = RevisionMap.build([
 *   { revision: "a1", downRevisions: [], dependsOn: [], branchLabels: [] },
 *   { revision: "b2", downRevisions: ["a1"], dependsOn: [], branchLabels: [] },
 * ]);
 * const steps = planUpgrade(map, [], "head");
 * console.assert(steps.map((s) => s.revision).join() === "a1,b2");
 * console.assert(steps[1]?.version.remove[0] === "a1");
 * ```
 *
 * @module
 */
export { RevisionMap, type RevisionNode } from "./revision_map.ts";
export { resolveTarget, targetNeedsCurrent } from "./target.ts";
export { historyRange, planDowngrade, planStamp, planUpgrade, type Step } from "./plan.ts";
export {
  applyVersionChange,
  checkRows,
  type VersionRowKind,
  versionRowKind,
  VersionRows,
} from "./version_rows.ts";
export { type TopoGraph, topoSort } from "./topo_sort.ts";
export { REVISION_ID_MAX_LENGTH } from "./_validate.ts";
