/**
 * Named graph shapes and an independent plan checker for the graph tests.
 * Private to `graph/` and free of assertions: tests assert on what it returns.
 *
 * @module
 */
import type { RevisionNode } from "./revision_map.ts";
import { RevisionMap } from "./revision_map.ts";
import type { Step } from "./plan.ts";

/** Options of {@linkcode node}. */
export interface NodeOptions {
  dependsOn?: string[];
  branchLabels?: string[];
}

/** A node with `path` `migrations/<id>.ts`. */
export function node(
  revision: string,
  down: string | string[] = [],
  options: NodeOptions = {},
): RevisionNode {
  return {
    revision,
    downRevisions: typeof down === "string" ? [down] : down,
    dependsOn: options.dependsOn ?? [],
    branchLabels: options.branchLabels ?? [],
    path: `migrations/${revision}.ts`,
  };
}

/** Builds a map from nodes. */
export function graph(...nodes: RevisionNode[]): RevisionMap {
  return RevisionMap.build(nodes);
}

/** `a → b → c → d → e`. */
export function linear(): RevisionMap {
  return graph(node("a"), node("b", "a"), node("c", "b"), node("d", "c"), node("e", "d"));
}

/** `a → b1, a → b2, (b1, b2) → m, m → n`. */
export function diamond(): RevisionMap {
  return graph(
    node("a"),
    node("b1", "a"),
    node("b2", "a"),
    node("m", ["b1", "b2"]),
    node("n", "m"),
  );
}

/** `a → x, y, z`, merged by `m`. */
export function threeWay(): RevisionMap {
  return graph(
    node("a"),
    node("x", "a"),
    node("y", "a"),
    node("z", "a"),
    node("m", ["x", "y", "z"]),
  );
}

/**
 * Alembic's `BranchedPathTest`: `a → b`, then `b → c1 → d1` (label `c1branch`)
 * and `b → c2 → d2` (label `c2branch`).
 */
export function branched(): RevisionMap {
  return graph(
    node("a"),
    node("b", "a"),
    node("c1", "b", { branchLabels: ["c1branch"] }),
    node("d1", "c1"),
    node("c2", "b", { branchLabels: ["c2branch"] }),
    node("d2", "c2"),
  );
}

/**
 * Two roots: `p1 → p2 → p3` (label `lib`) and `q1 → q2 → q3`, where `q2`
 * depends on `p2`.
 */
export function crossDependency(): RevisionMap {
  return graph(
    node("p1", [], { branchLabels: ["lib"] }),
    node("p2", "p1"),
    node("p3", "p2"),
    node("q1"),
    node("q2", "q1", { dependsOn: ["p2"] }),
    node("q3", "q2"),
  );
}

/** `n` revisions `r00000 → r00001 → …`. */
export function longChain(n: number): RevisionNode[] {
  const nodes: RevisionNode[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push(node(id(i), i === 0 ? [] : [id(i - 1)]));
  }
  return nodes;
}

/** A trunk of `trunk` revisions, each starting a branch of `length` revisions. */
export function manyBranches(trunk: number, length: number): RevisionNode[] {
  const nodes: RevisionNode[] = [];
  for (let t = 0; t < trunk; t++) {
    nodes.push(node(`t${id(t)}`, t === 0 ? [] : [`t${id(t - 1)}`]));
    for (let i = 0; i < length; i++) {
      nodes.push(node(`b${id(t)}_${id(i)}`, i === 0 ? `t${id(t)}` : `b${id(t)}_${id(i - 1)}`));
    }
  }
  return nodes;
}

function id(i: number): string {
  return `r${String(i).padStart(5, "0")}`;
}

/** The outcome of {@linkcode checkPlan}. */
export interface PlanCheck {
  /** Rows after every step, sorted. */
  rows: string[];
  /** Every broken rule; empty when the plan is sound. */
  problems: string[];
}

/**
 * Replays `steps` from `current` with its own bookkeeping and reports every
 * broken rule: a revision runs before one of its parents (or is undone before
 * one of its dependents), a step removes a row that is not there, or the rows
 * after a step differ from the tips of the applied set (after the last step
 * only, with `everyStep: false`, for big graphs).
 */
export function checkPlan(
  map: RevisionMap,
  current: readonly string[],
  steps: readonly Step[],
  options: { everyStep?: boolean } = {},
): PlanCheck {
  const everyStep = options.everyStep ?? true;
  const parents = new Map<string, readonly string[]>();
  const dependents = new Map<string, string[]>();
  for (const id of map.topoOrder()) {
    const node = map.get(id);
    const ps = [...new Set([...node.downRevisions, ...node.dependsOn])];
    parents.set(id, ps);
    for (const p of ps) dependents.set(p, [...(dependents.get(p) ?? []), id]);
  }
  const applied = new Set<string>();
  const todo = [...current];
  while (todo.length > 0) {
    const id = todo.pop() as string;
    if (applied.has(id)) continue;
    applied.add(id);
    todo.push(...(parents.get(id) ?? []));
  }
  let rows = new Set(current);
  const problems: string[] = [];
  for (const [i, step] of steps.entries()) {
    const at = `step ${i} (${step.direction} ${step.revision})`;
    if (step.direction === "up") {
      if (applied.has(step.revision)) problems.push(`${at}: already applied`);
      for (const p of parents.get(step.revision) ?? []) {
        if (!applied.has(p)) problems.push(`${at}: parent ${p} not applied`);
      }
      applied.add(step.revision);
    } else {
      if (!applied.has(step.revision)) problems.push(`${at}: not applied`);
      for (const d of dependents.get(step.revision) ?? []) {
        if (applied.has(d)) problems.push(`${at}: dependent ${d} still applied`);
      }
      applied.delete(step.revision);
    }
    for (const r of step.version.remove) {
      if (!rows.has(r)) problems.push(`${at}: removes missing row ${r}`);
    }
    rows = new Set([...rows].filter((r) => !step.version.remove.includes(r)));
    for (const a of step.version.add) {
      if (rows.has(a)) problems.push(`${at}: adds existing row ${a}`);
      rows.add(a);
    }
    if (!everyStep && i < steps.length - 1) continue;
    const tips = [...applied].filter((id) =>
      !(dependents.get(id) ?? []).some((d) => applied.has(d))
    ).sort();
    const now = [...rows].sort();
    if (now.join() !== tips.join()) {
      problems.push(`${at}: rows ${now.join(",")} but tips ${tips.join(",")}`);
    }
  }
  return { rows: [...rows].sort(), problems };
}

/** The revisions of `steps`, in order. */
export function revs(steps: readonly Step[]): string[] {
  return steps.map((s) => s.revision);
}
