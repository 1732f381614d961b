// Alembic's own traversal fixtures (tests/test_version_traversal.py), rebuilt
// in memory: the same graph and the same command must leave the same rows.
import assert from "node:assert/strict";
import { GraphError } from "../errors.ts";
import { planDowngrade, planStamp, planUpgrade, type Step } from "./plan.ts";
import type { RevisionMap } from "./revision_map.ts";
import {
  branched,
  checkPlan,
  crossDependency,
  diamond,
  graph,
  linear,
  node,
  revs,
} from "./_testing.ts";

/** Checks the plan with the independent replay and returns the final rows. */
function rowsAfter(map: RevisionMap, current: string[], steps: Step[]): string[] {
  const check = checkPlan(map, current, steps);
  assert.deepEqual(check.problems, []);
  return check.rows;
}

Deno.test("planDowngrade() leaves an unrelated branch alone, as Alembic does", () => {
  const map = branched();
  const steps = planDowngrade(map, ["d1", "d2"], "c2");
  assert.deepEqual(revs(steps), ["d2"]);
  assert.deepEqual(rowsAfter(map, ["d1", "d2"], steps), ["c2", "d1"]);
  const label = planDowngrade(map, ["c1", "d2"], "c1branch@b");
  assert.deepEqual(revs(label), ["c1"]);
  assert.deepEqual(rowsAfter(map, ["c1", "d2"], label), ["d2"]);
  const both = planDowngrade(map, ["d1", "d2"], "b");
  assert.deepEqual(revs(both), ["d2", "c2", "d1", "c1"]);
  assert.deepEqual(rowsAfter(map, ["d1", "d2"], both), ["b"]);
  assert.deepEqual(planDowngrade(map, ["d1", "c2"], "c2"), []);
});

Deno.test("planUpgrade() and planDowngrade() match Alembic's DependsOnBranchTestTwo", () => {
  const map = graph(
    node("a1"),
    node("a2"),
    node("a3"),
    node("amerge", ["a1", "a2", "a3"]),
    node("b1"),
    node("b2"),
    node("bmerge", ["b1", "b2"]),
    node("c1"),
    node("c2"),
    node("c3"),
    node("cmerge", ["c1", "c2", "c3"]),
    node("d1", [], { dependsOn: ["a3", "b2", "c1"] }),
  );
  const all = planUpgrade(map, [], "heads");
  assert.deepEqual(rowsAfter(map, [], all), ["amerge", "bmerge", "cmerge", "d1"]);
  const heads = ["amerge", "bmerge", "cmerge", "d1"];
  const toB2 = planDowngrade(map, heads, "b2");
  assert.deepEqual(revs(toB2), ["bmerge"]);
  assert.deepEqual(rowsAfter(map, heads, toB2), ["amerge", "b1", "cmerge", "d1"]);
  const next = ["amerge", "b1", "cmerge", "d1"];
  const d1 = planDowngrade(map, next, "d1@base");
  assert.deepEqual(revs(d1), ["d1"]);
  assert.deepEqual(rowsAfter(map, next, d1), ["amerge", "b1", "b2", "cmerge"]);
  assert.deepEqual(rowsAfter(map, next, planDowngrade(map, next, "base")), []);
});

Deno.test("planDowngrade() matches Alembic's crisscross DependsOnBranchTestThree", () => {
  const map = graph(
    node("a1"),
    node("a2", "a1"),
    node("b1"),
    node("b2", "b1", { dependsOn: ["a2"] }),
    node("b3", "b2"),
    node("a3", "a2", { dependsOn: ["b1"] }),
  );
  const steps = planDowngrade(map, ["a3", "b2"], "b1");
  assert.deepEqual(revs(steps), ["b2"]);
  assert.deepEqual(steps[0]?.version, { remove: ["b2"], add: [] });
  assert.deepEqual(rowsAfter(map, ["a3", "b2"], steps), ["a3"]);
});

Deno.test("planStamp() inserts, replaces and deletes rows on the target's line", () => {
  const map = branched();
  assert.deepEqual(planStamp(map, [], ["c1"]), { remove: [], add: ["c1"] });
  assert.deepEqual(planStamp(map, ["b"], ["d2"]), { remove: ["b"], add: ["d2"] });
  assert.deepEqual(planStamp(map, ["d1", "c2"], ["b"]), { remove: ["c2", "d1"], add: ["b"] });
  assert.deepEqual(planStamp(map, ["d1", "c2"], ["c2branch@head"]), {
    remove: ["c2"],
    add: ["d2"],
  });
  assert.deepEqual(planStamp(map, ["d1", "c2"], ["c2"]), { remove: [], add: [] });
  assert.deepEqual(planStamp(map, ["d1", "c2"], ["c1branch@base"]), { remove: ["d1"], add: [] });
  assert.deepEqual(planStamp(map, ["d1", "c2"], ["base"]), { remove: ["c2", "d1"], add: [] });
  assert.deepEqual(planStamp(map, [], ["heads"]), { remove: [], add: ["d1", "d2"] });
  assert.deepEqual(planStamp(map, ["d1", "d2"], ["heads"]), { remove: [], add: [] });
});

Deno.test("planStamp() crosses dependencies and merges like Alembic", () => {
  const map = crossDependency();
  assert.deepEqual(planStamp(map, ["p3", "q3"], ["p1"]), { remove: ["p3", "q3"], add: ["p1"] });
  const diamondMap = diamond();
  assert.deepEqual(planStamp(diamondMap, ["b1", "b2"], ["m"]), {
    remove: ["b1", "b2"],
    add: ["m"],
  });
  assert.deepEqual(planStamp(diamondMap, ["m"], ["b2"]), { remove: ["m"], add: ["b2"] });
});

Deno.test("planStamp() with purge replaces every row, even unknown ones", () => {
  const map = linear();
  assert.deepEqual(planStamp(map, ["gone", "c"], ["e"], { purge: true }), {
    remove: ["c", "gone"],
    add: ["e"],
  });
  assert.deepEqual(planStamp(map, ["c"], ["c"], { purge: true }), { remove: [], add: [] });
  assert.throws(() => planStamp(map, ["gone"], ["e"]), GraphError);
  assert.throws(() => planStamp(map, [], ["b", "d"]), {
    message: 'Cannot stamp "d" together with "b": one is an ancestor of the other',
  });
  assert.deepEqual(planStamp(branched(), [], ["d1", "c2"]), { remove: [], add: ["c2", "d1"] });
});

Deno.test("planDowngrade() matches Alembic's relative and labelled downgrades on BranchedPathTest", () => {
  const map = branched();
  const rows = ["d1", "d2"];
  assert.deepEqual(revs(planDowngrade(map, rows, "base+2")), ["d2", "c2", "d1", "c1"]);
  const c2 = planDowngrade(map, rows, "c2branch@base+2");
  assert.deepEqual(revs(c2), ["d2", "c2"]);
  assert.deepEqual(rowsAfter(map, rows, c2), ["d1"]);
  const head1 = planDowngrade(map, rows, "c1branch@head-1");
  assert.deepEqual(revs(head1), ["d1"]);
  assert.deepEqual(rowsAfter(map, rows, head1), ["c1", "d2"]);
  const d2 = planDowngrade(map, ["c1", "d2"], "d2-1");
  assert.deepEqual(rowsAfter(map, ["c1", "d2"], d2), ["c1", "c2"]);
  assert.deepEqual(rowsAfter(map, ["a"], planDowngrade(map, ["a"], "-1")), []);
  assert.throws(() => planDowngrade(map, [], "-1"), GraphError);
});

Deno.test("planUpgrade() and planDowngrade() match Alembic's BranchFromMergepointTest", () => {
  // a1 -> b1 -> c1; a2 -> b2 -> c2; (c1, c2) -> d1; c2 -> d2.
  const map = graph(
    node("a1"),
    node("b1", "a1"),
    node("c1", "b1"),
    node("a2"),
    node("b2", "a2"),
    node("c2", "b2"),
    node("d1", ["c1", "c2"]),
    node("d2", "c2"),
  );
  const up = planUpgrade(map, ["d2", "b1"], "d1");
  assert.deepEqual(revs(up), ["c1", "d1"]);
  assert.deepEqual(rowsAfter(map, ["d2", "b1"], up), ["d1", "d2"]);
  const down = planDowngrade(map, ["d2", "d1"], "b1");
  assert.deepEqual(revs(down), ["d1", "c1"]);
  assert.deepEqual(rowsAfter(map, ["d2", "d1"], down), ["b1", "d2"]);
});

Deno.test("planDowngrade() matches Alembic's DependsOnBranchTestFive (issue #1373)", () => {
  const map = graph(
    node("a1"),
    node("b1", [], { dependsOn: ["a1"] }),
    node("bmerge", ["a1", "b1"]),
  );
  assert.deepEqual(rowsAfter(map, ["a1"], planUpgrade(map, ["a1"], "b1")), ["b1"]);
  assert.deepEqual(rowsAfter(map, ["b1"], planUpgrade(map, ["b1"], "bmerge")), ["bmerge"]);
  assert.deepEqual(rowsAfter(map, ["bmerge"], planDowngrade(map, ["bmerge"], "a1")), ["b1"]);
  assert.deepEqual(rowsAfter(map, ["bmerge"], planDowngrade(map, ["bmerge"], "b1")), ["b1"]);
});

/**
 * Alembic's `MultipleBranchEffectiveHead` (tests/test_revision.py): y1 (label
 * y) → y2, which also depends on x1 (label x) → x2.
 */
function effectiveHead(): RevisionMap {
  return graph(
    node("y1", [], { branchLabels: ["y"] }),
    node("x1", [], { branchLabels: ["x"] }),
    node("y2", "y1", { dependsOn: ["x1"] }),
    node("x2", "x1"),
  );
}

Deno.test("planDowngrade() matches Alembic's MultipleBranchEffectiveHead test_other_downgrade", () => {
  const map = effectiveHead();
  const steps = planDowngrade(map, ["x2", "y2"], "x@-1");
  assert.deepEqual(revs(steps), ["x2"]);
  assert.deepEqual(rowsAfter(map, ["x2", "y2"], steps), ["y2"]);
});

Deno.test("planDowngrade() matches Alembic's MultipleBranchEffectiveHead test_effective_head", () => {
  // x's applied tip x1 has no row of its own: y2 absorbed it through dependsOn.
  const map = effectiveHead();
  const steps = planDowngrade(map, ["y2"], "x@-1");
  assert.deepEqual(revs(steps), ["y2", "x1"]);
  assert.deepEqual(rowsAfter(map, ["y2"], steps), ["y1"]);
  assert.deepEqual(revs(planDowngrade(map, ["y2"], "x1@-1")), ["y2", "x1"]);
});

Deno.test("planDowngrade() refuses Alembic's test_use_all_current rows, which no Strata run writes", () => {
  // Alembic accepts rows (x1, y2) although y2 implies x1; Strata's version
  // rows are always the tips of the applied set, so it reports the table.
  assert.throws(() => planDowngrade(effectiveHead(), ["x1", "y2"], "x@-1"), {
    message: /row "x1" is an ancestor of another row/,
  });
});

Deno.test("planDowngrade() matches Alembic's RevisionPathTest test_invalid_move_rev_to_none and _higher_to_lower", () => {
  const map = linear();
  // Alembic: "Destination b is not a valid downgrade target from current head(s)".
  assert.throws(() => planDowngrade(map, [], "b"), {
    name: "GraphError",
    message: 'Cannot downgrade to "b": revision "b" is not applied',
  });
  assert.throws(() => planDowngrade(map, ["b"], "c"), {
    message: 'Cannot downgrade to "c": revision "c" is not applied',
  });
});

Deno.test("planDowngrade() steps a branch down from the tip a dependency absorbed (issue 9.12)", () => {
  // a ← b, a ← c where c dependsOn b; the database is at c alone.
  const map = graph(node("a"), node("b", "a"), node("c", "a", { dependsOn: ["b"] }));
  const steps = planDowngrade(map, ["c"], "b@-1");
  // Alembic resolves b@-1 to a on b's line and drops b and what depends on it.
  assert.deepEqual(revs(steps), ["c", "b"]);
  assert.deepEqual(rowsAfter(map, ["c"], steps), ["a"]);
  // The branch's own line is still the one the step is counted on.
  assert.deepEqual(revs(planDowngrade(map, ["c"], "c@-1")), ["c"]);
  assert.deepEqual(rowsAfter(map, ["c"], planDowngrade(map, ["c"], "c@-1")), ["b"]);
});

Deno.test("planDowngrade() rejects a target applied only as a dependency, as Alembic's RangeNotAncestorError (issue 9.13)", () => {
  // a ← b, a ← c where c dependsOn b; the database is at c. Alembic:
  // "Destination b is not a valid downgrade target from current head(s)".
  const map = graph(node("a"), node("b", "a"), node("c", "a", { dependsOn: ["b"] }));
  let err: unknown;
  try {
    planDowngrade(map, ["c"], "b");
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof GraphError);
  assert.equal(
    err.message,
    'Cannot downgrade to "b": it is not a valid downgrade target from the current heads (c)',
  );
  assert.equal(
    err.hint,
    '"b" is applied only as a dependency of "c"; downgrade that branch first, e.g. `strata downgrade c@-1`',
  );
  // The same when b has a child that is not applied.
  const longer = graph(
    node("a"),
    node("b", "a"),
    node("b2", "b"),
    node("c", "a", { dependsOn: ["b"] }),
  );
  assert.throws(() => planDowngrade(longer, ["c"], "b"), { message: /not a valid downgrade/ });
  // Alembic's filtered-roots case: nothing above b on c2branch's line is applied.
  assert.throws(() => planDowngrade(branched(), ["d1"], "c2branch@b"), {
    message:
      'Cannot downgrade to "c2branch@b": it is not a valid downgrade target from the current heads (d1)',
    hint: 'nothing above "b" on that branch is applied',
  });
  // b is also a dependency of x, but c1 above it is applied: not "only a dependency".
  const mixed = graph(
    node("a"),
    node("b", "a"),
    node("c1", "b", { branchLabels: ["c1branch"] }),
    node("c2", "b", { branchLabels: ["c2branch"] }),
    node("x", "a", { dependsOn: ["b"] }),
  );
  assert.throws(() => planDowngrade(mixed, ["c1", "x"], "c2branch@b"), {
    hint: 'nothing above "b" on that branch is applied',
  });
  // A target that is a current head is valid and plans nothing.
  assert.deepEqual(planDowngrade(map, ["b"], "b"), []);
  // After the hint's step, b is a head and the downgrade is done.
  assert.deepEqual(rowsAfter(map, ["c"], planDowngrade(map, ["c"], "c@-1")), ["b"]);
});
