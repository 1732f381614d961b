import assert from "node:assert/strict";
import { MultipleHeadsError } from "../errors.ts";
import { historyRange, planDowngrade, planUpgrade, type Step } from "./plan.ts";
import { RevisionMap } from "./revision_map.ts";
import { versionRowKind } from "./version_rows.ts";
import {
  branched,
  checkPlan,
  crossDependency,
  diamond,
  graph,
  linear,
  longChain,
  manyBranches,
  node,
  revs,
  threeWay,
} from "./_testing.ts";

/** Checks the plan with the independent replay and returns the final rows. */
function rowsAfter(map: RevisionMap, current: string[], steps: Step[]): string[] {
  const check = checkPlan(map, current, steps);
  assert.deepEqual(check.problems, []);
  return check.rows;
}

function kinds(steps: Step[]): string[] {
  return steps.map((s) => versionRowKind(s.version));
}

Deno.test("planUpgrade() applies a linear chain from base: insert, then updates", () => {
  const map = linear();
  const steps = planUpgrade(map, [], "head");
  assert.deepEqual(revs(steps), ["a", "b", "c", "d", "e"]);
  assert.deepEqual(kinds(steps), ["insert", "update", "update", "update", "update"]);
  assert.deepEqual(steps[1], {
    revision: "b",
    direction: "up",
    version: { remove: ["a"], add: ["b"] },
  });
  assert.deepEqual(rowsAfter(map, [], steps), ["e"]);
  assert.deepEqual(revs(planUpgrade(map, ["c"], "heads")), ["d", "e"]);
});

Deno.test("planUpgrade() plans nothing when the target is applied already", () => {
  assert.deepEqual(planUpgrade(linear(), ["e"], "head"), []);
  assert.deepEqual(planUpgrade(linear(), ["d"], "b"), []);
  assert.deepEqual(planUpgrade(linear(), ["d"], "base"), []);
});

Deno.test("planUpgrade() applies both parents before the merge when the database is at base", () => {
  const map = diamond();
  const steps = planUpgrade(map, [], "head");
  assert.deepEqual(revs(steps), ["a", "b1", "b2", "m", "n"]);
  assert.deepEqual(kinds(steps), ["insert", "update", "insert", "merge", "update"]);
  assert.deepEqual(steps[3]?.version, { remove: ["b1", "b2"], add: ["m"] });
  assert.deepEqual(rowsAfter(map, [], steps), ["n"]);
});

Deno.test("planUpgrade() merges two heads into one row when the database is at both parents", () => {
  const map = diamond();
  const steps = planUpgrade(map, ["b1", "b2"], "m");
  assert.deepEqual(steps, [
    { revision: "m", direction: "up", version: { remove: ["b1", "b2"], add: ["m"] } },
  ]);
  assert.deepEqual(rowsAfter(map, ["b1", "b2"], steps), ["m"]);
});

Deno.test("planUpgrade() applies the missing parent before the merge when the database is at one", () => {
  const map = diamond();
  const steps = planUpgrade(map, ["b1"], "+1");
  assert.deepEqual(revs(steps), ["b2", "m"]);
  assert.deepEqual(kinds(steps), ["insert", "merge"]);
  assert.deepEqual(rowsAfter(map, ["b1"], steps), ["m"]);
});

Deno.test("planUpgrade() applies a three-way merge after all three branches", () => {
  const map = threeWay();
  const steps = planUpgrade(map, ["a"], "head");
  assert.deepEqual(revs(steps), ["x", "y", "z", "m"]);
  assert.deepEqual(kinds(steps), ["update", "insert", "insert", "merge"]);
  assert.deepEqual(steps[3]?.version, { remove: ["x", "y", "z"], add: ["m"] });
  assert.deepEqual(rowsAfter(map, ["a"], steps), ["m"]);
});

Deno.test("planUpgrade() applies a dependency on another branch first and absorbs its row", () => {
  const map = crossDependency();
  const steps = planUpgrade(map, [], "q2");
  assert.deepEqual(revs(steps), ["p1", "p2", "q1", "q2"]);
  assert.deepEqual(steps[3]?.version, { remove: ["q1", "p2"], add: ["q2"] });
  assert.deepEqual(rowsAfter(map, [], steps), ["q2"]);
  // p2's own branch goes on from the absorbed row: p3 is a new row again.
  const more = planUpgrade(map, ["q2"], "heads");
  assert.deepEqual(revs(more), ["p3", "q3"]);
  assert.deepEqual(kinds(more), ["insert", "update"]);
  assert.deepEqual(rowsAfter(map, ["q2"], more), ["p3", "q3"]);
});

Deno.test("planUpgrade() applies everything for heads, finishing one branch before the next", () => {
  const map = graph(
    node("a"),
    node("k", "a"),
    node("k2", "k"),
    node("z", "a"),
    node("z2", "z"),
    node("m", ["k2", "z"]),
    node("q"),
    node("q2", "q"),
  );
  const steps = planUpgrade(map, [], "heads");
  assert.deepEqual(revs(steps), ["a", "k", "k2", "z", "m", "z2", "q", "q2"]);
  assert.deepEqual(rowsAfter(map, [], steps), ["m", "q2", "z2"]);
});

Deno.test('planUpgrade() rejects "+1" at a branch point and "+1" from two heads', () => {
  assert.throws(() => planUpgrade(branched(), ["b"], "+1"), {
    name: "GraphError",
    message: /"b" is a branch point with 2 next revisions \(c1, c2\)/,
  });
  assert.throws(() => planUpgrade(branched(), ["d1", "c2"], "+1"), MultipleHeadsError);
  const steps = planUpgrade(branched(), ["d1", "c2"], "c2branch@+1");
  assert.deepEqual(steps, [
    { revision: "d2", direction: "up", version: { remove: ["c2"], add: ["d2"] } },
  ]);
});

Deno.test('planUpgrade() rejects "-1" and rows that do not fit the graph', () => {
  assert.throws(() => planUpgrade(linear(), ["c"], "-1"), {
    message: 'Cannot upgrade to "-1": it is below the current revision',
  });
  assert.throws(() => planUpgrade(linear(), ["zz"], "head"), {
    message: /names revision "zz", which no migration file defines/,
  });
  assert.throws(() => planUpgrade(linear(), ["b", "d"], "head"), {
    message: /row "b" is an ancestor of another row \(b, d\)/,
  });
});

Deno.test("planDowngrade() keeps the other parent's row when downgrading a merge to one parent", () => {
  const map = diamond();
  const steps = planDowngrade(map, ["m"], "b1");
  assert.deepEqual(steps, [
    { revision: "m", direction: "down", version: { remove: ["m"], add: ["b1", "b2"] } },
  ]);
  assert.deepEqual(kinds(steps), ["unmerge"]);
  assert.deepEqual(rowsAfter(map, ["m"], steps), ["b1", "b2"]);
});

Deno.test("planDowngrade() unapplies both branches and the merge when going to base or the branch point", () => {
  const map = diamond();
  const toA = planDowngrade(map, ["n"], "a");
  assert.deepEqual(revs(toA), ["n", "m", "b2", "b1"]);
  assert.deepEqual(kinds(toA), ["update", "unmerge", "delete", "update"]);
  assert.deepEqual(rowsAfter(map, ["n"], toA), ["a"]);
  const toBase = planDowngrade(map, ["n"], "base");
  assert.deepEqual(revs(toBase), ["n", "m", "b2", "b1", "a"]);
  assert.deepEqual(rowsAfter(map, ["n"], toBase), []);
  // A downgrade undoes in exactly the reverse of the upgrade order.
  assert.deepEqual(revs(toBase), revs(planUpgrade(map, [], "n")).reverse());
});

Deno.test("planDowngrade() steps -1 below a merge's child, but not below the merge", () => {
  const map = diamond();
  assert.deepEqual(revs(planDowngrade(map, ["n"], "-1")), ["n"]);
  assert.throws(() => planDowngrade(map, ["m"], "-1"), {
    name: "GraphError",
    message: 'Cannot resolve target "-1": "m" is a merge point of 2 revisions (b1, b2)',
  });
  const two = planDowngrade(map, ["b1", "b2"], "b2@-1");
  assert.deepEqual(two, [
    { revision: "b2", direction: "down", version: { remove: ["b2"], add: [] } },
  ]);
});

Deno.test('planDowngrade() rejects "-1" with two heads, listing them', () => {
  const err = (() => {
    try {
      planDowngrade(branched(), ["d1", "d2"], "-1");
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof MultipleHeadsError);
  assert.deepEqual(err.heads, ["d1", "d2"]);
  assert.throws(() => planDowngrade(linear(), ["c"], "+1"), {
    message: 'Cannot downgrade to "+1": it is above the current revision',
  });
});

Deno.test("planDowngrade() follows dependsOn: dependents go, dependencies stay", () => {
  const map = crossDependency();
  const rows = ["p3", "q3"];
  const p1 = planDowngrade(map, rows, "p1");
  assert.deepEqual(revs(p1), ["q3", "q2", "p3", "p2"]);
  assert.deepEqual(rowsAfter(map, rows, p1), ["p1", "q1"]);
  const q1 = planDowngrade(map, rows, "q1");
  assert.deepEqual(revs(q1), ["q3", "q2"]);
  assert.deepEqual(q1[1]?.version, { remove: ["q2"], add: ["q1"] });
  assert.deepEqual(rowsAfter(map, rows, q1), ["p3", "q1"]);
  // From {q2} alone, undoing q2 gives back the absorbed dependency row.
  const back = planDowngrade(map, ["q2"], "q1");
  assert.deepEqual(back[0]?.version, { remove: ["q2"], add: ["q1", "p2"] });
  assert.deepEqual(rowsAfter(map, ["q2"], back), ["p2", "q1"]);
  const lib = planDowngrade(map, rows, "lib@base");
  assert.deepEqual(revs(lib), ["q3", "q2", "p3", "p2", "p1"]);
  assert.deepEqual(rowsAfter(map, rows, lib), ["q1"]);
});

Deno.test("planDowngrade() rejects a target that is not applied", () => {
  assert.throws(() => planDowngrade(linear(), ["b"], "d"), {
    name: "GraphError",
    message: 'Cannot downgrade to "d": revision "d" is not applied',
  });
  assert.throws(() => planDowngrade(branched(), [], "heads"), MultipleHeadsError);
});

Deno.test("historyRange() lists revisions newest first, limited by LOWER:UPPER", () => {
  const map = branched();
  const ids = (range: string | undefined, current: string[] = []) =>
    historyRange(map, range, current).map((n) => n.revision);
  assert.deepEqual(ids(undefined), ["d2", "c2", "d1", "c1", "b", "a"]);
  assert.deepEqual(ids("b:d1"), ["d1", "c1", "b"]);
  assert.deepEqual(ids("c2:"), ["d2", "c2"]);
  assert.deepEqual(ids(":c1"), ["c1", "b", "a"]);
  assert.deepEqual(ids("current:", ["c1"]), ["d1", "c1"]);
  assert.deepEqual(ids(":current", ["c1", "c2"]), ["c2", "c1", "b", "a"]);
  assert.deepEqual(ids("base:heads"), ids(undefined));
  assert.deepEqual(ids("-1:current", ["c1"]), ["c1", "b"]);
  assert.throws(() => ids("b"), { name: "GraphError", message: /it has no ":"/ });
  assert.equal(historyRange(map, undefined, [])[0]?.path, "migrations/d2.ts");
});

Deno.test("historyRange() rejects reversed or unrelated ends, as Alembic's walk_revisions", () => {
  // Alembic: "Requested range A:B does not refer to ancestor/descendant
  // revisions along the same branch".
  const map = branched();
  assert.throws(() => historyRange(map, "d1:b", []), {
    name: "GraphError",
    message: 'Cannot read history range "d1:b": "d1" is above "b"',
    hint: "a range is LOWER:UPPER, oldest first; try `-r b:d1`",
  });
  assert.throws(() => historyRange(map, "c1:d2", []), {
    message: 'Cannot read history range "c1:d2": "c1" and "d2" are not on one line of descent',
  });
  // `current` as LOWER is checked the same way.
  assert.throws(() => historyRange(map, "current:d1", ["c1", "c2"]), {
    message: /"c2" and "d1" are not on one line of descent/,
  });
  const ids = (range: string, current: string[] = []) =>
    historyRange(map, range, current).map((n) => n.revision);
  assert.deepEqual(ids("c1:c1"), ["c1"]);
  assert.deepEqual(ids("base:d2"), ["d2", "c2", "b", "a"]);
  assert.deepEqual(ids("current:d1", ["c1"]), ["d1", "c1"]);
  assert.deepEqual(ids("current:d1", []), ["d1", "c1", "b", "a"]);
  // Through dependsOn: q2 depends on p2, so p2 is below q3.
  assert.deepEqual(
    historyRange(crossDependency(), "p2:q3", []).map((n) => n.revision),
    ["q3", "q2", "p2"],
  );
  assert.throws(() => historyRange(crossDependency(), "p3:q3", []), { name: "GraphError" });
});

Deno.test("planUpgrade() and planDowngrade() handle a 10,000-revision chain", () => {
  const map = RevisionMap.build(longChain(10_000));
  const up = planUpgrade(map, [], "heads");
  assert.equal(up.length, 10_000);
  assert.deepEqual(checkPlan(map, [], up, { everyStep: false }).problems, []);
  const down = planDowngrade(map, ["r09999"], "base");
  assert.equal(down.length, 10_000);
  assert.deepEqual(checkPlan(map, ["r09999"], down, { everyStep: false }).rows, []);
  assert.deepEqual(revs(planDowngrade(map, ["r09999"], "-2")), ["r09999", "r09998"]);
  assert.deepEqual(revs(planUpgrade(map, ["r00000"], "head-9998")), ["r00001"]);
});

Deno.test("planUpgrade() handles 10,000 revisions on 100 branches", () => {
  const map = RevisionMap.build(manyBranches(100, 99));
  const up = planUpgrade(map, [], "heads");
  assert.equal(up.length, 10_000);
  const check = checkPlan(map, [], up, { everyStep: false });
  assert.deepEqual(check.problems, []);
  assert.equal(check.rows.length, 100);
  const down = planDowngrade(map, check.rows, "base");
  assert.deepEqual(checkPlan(map, check.rows, down, { everyStep: false }).rows, []);
});
