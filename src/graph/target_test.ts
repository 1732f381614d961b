import assert from "node:assert/strict";
import { GraphError, MultipleHeadsError } from "../errors.ts";
import { resolveTarget, targetNeedsCurrent } from "./target.ts";
import { branched, crossDependency, diamond, graph, linear, node } from "./_testing.ts";

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

Deno.test("resolveTarget() resolves head, heads, base and current", () => {
  const map = linear();
  assert.deepEqual(resolveTarget(map, "head", []), ["e"]);
  assert.deepEqual(resolveTarget(map, "heads", []), ["e"]);
  assert.deepEqual(resolveTarget(map, "base", ["c"]), []);
  assert.deepEqual(resolveTarget(map, "current", ["c"]), ["c"]);
  assert.deepEqual(resolveTarget(graph(), "head", []), []);
});

Deno.test('resolveTarget() rejects "head" when two heads exist', () => {
  const err = caught(() => resolveTarget(branched(), "head", []));
  assert.ok(err instanceof MultipleHeadsError);
  assert.deepEqual(err.heads, ["d1", "d2"]);
  assert.equal(err.argument, "head");
  assert.equal(err.message, 'Cannot resolve target "head": there are 2 heads (d1, d2)');
  assert.match(err.hint ?? "", /d1, d2/);
  assert.deepEqual(resolveTarget(branched(), "heads", []), ["d1", "d2"]);
});

Deno.test('resolveTarget() resolves "heads" to the revisions nothing depends on', () => {
  // p3 is the head of its branch, but nothing needs q2 to be stamped above p2.
  assert.deepEqual(resolveTarget(crossDependency(), "heads", []), ["p3", "q3"]);
  const map = graph(node("a"), node("x"), node("y", "x", { dependsOn: ["a"] }));
  assert.deepEqual(map.heads, ["a", "y"]);
  assert.deepEqual(resolveTarget(map, "heads", []), ["y"]);
  assert.throws(() => resolveTarget(map, "head", []), MultipleHeadsError);
});

Deno.test("resolveTarget() accepts ids, unique prefixes and branch labels", () => {
  const map = graph(
    node("ab12cd"),
    node("ab9f00", "ab12cd", { branchLabels: ["feature"] }),
    node("c0ffee", "ab9f00"),
  );
  assert.deepEqual(resolveTarget(map, "ab12cd", []), ["ab12cd"]);
  assert.deepEqual(resolveTarget(map, "ab9", []), ["ab9f00"]);
  assert.deepEqual(resolveTarget(map, "feature", []), ["ab9f00"]);
  assert.deepEqual(resolveTarget(map, " c0f ", []), ["c0ffee"]);
});

Deno.test("resolveTarget() lists the matches of an ambiguous prefix", () => {
  const map = graph(node("ab12cd"), node("ab9f00", "ab12cd"));
  assert.throws(() => resolveTarget(map, "ab", []), {
    name: "GraphError",
    message: 'Cannot resolve target "ab": prefix matches 2 revisions (ab12cd, ab9f00)',
  });
});

Deno.test("resolveTarget() hints at `strata history` for an unknown target", () => {
  const err = caught(() => resolveTarget(linear(), "zz", []));
  assert.ok(err instanceof GraphError);
  assert.equal(
    err.message,
    'Cannot resolve target "zz": no revision id, id prefix or branch label matches',
  );
  assert.match(err.hint ?? "", /strata history/);
  assert.throws(() => resolveTarget(linear(), "", []), { message: /it is empty/ });
});

Deno.test("resolveTarget() resolves label@head, label@heads, label@base and label@id", () => {
  const map = branched();
  assert.deepEqual(resolveTarget(map, "c1branch@head", []), ["d1"]);
  assert.deepEqual(resolveTarget(map, "c2branch@head", []), ["d2"]);
  assert.deepEqual(resolveTarget(map, "c2branch@heads", []), ["d2"]);
  assert.deepEqual(resolveTarget(map, "c2branch@base", []), []);
  assert.deepEqual(resolveTarget(map, "c2branch@d2", []), ["d2"]);
  assert.deepEqual(resolveTarget(map, "d1@head", []), ["d1"]);
  assert.throws(() => resolveTarget(map, "c1branch@d2", []), {
    message:
      'Cannot resolve target "c1branch@d2": revision "d2" is not on the branch of "c1branch"',
  });
  // b is below the branch point, so both heads share its line.
  assert.throws(() => resolveTarget(map, "b@head", []), MultipleHeadsError);
});

Deno.test("resolveTarget() walks +N and -N from the single current row", () => {
  const map = linear();
  assert.deepEqual(resolveTarget(map, "+1", ["a"]), ["b"]);
  assert.deepEqual(resolveTarget(map, "+3", ["b"]), ["e"]);
  assert.deepEqual(resolveTarget(map, "+1", []), ["a"]);
  assert.deepEqual(resolveTarget(map, "-1", ["c"]), ["b"]);
  assert.deepEqual(resolveTarget(map, "-3", ["c"]), []);
  assert.throws(() => resolveTarget(map, "+5", ["b"]), {
    message: 'Cannot resolve target "+5": there are only 3 revisions above "b"',
  });
  assert.throws(() => resolveTarget(map, "-4", ["c"]), {
    message: 'Cannot resolve target "-4": there are only 3 revisions to undo from "c"',
  });
  assert.throws(() => resolveTarget(map, "-1", []), { message: /the database is at base/ });
});

Deno.test("resolveTarget() walks from a named revision: id+N, id-N, head-N, base+N", () => {
  const map = linear();
  assert.deepEqual(resolveTarget(map, "b+2", []), ["d"]);
  assert.deepEqual(resolveTarget(map, "d-2", ["a"]), ["b"]);
  assert.deepEqual(resolveTarget(map, "head-1", []), ["d"]);
  assert.deepEqual(resolveTarget(map, "head-5", []), []);
  assert.deepEqual(resolveTarget(map, "base+2", []), ["b"]);
  assert.throws(() => resolveTarget(map, "head-6", []), GraphError);
  assert.deepEqual(resolveTarget(branched(), "c2branch@head-1", []), ["c2"]);
});

Deno.test('resolveTarget() rejects "+1" at a branch point, naming both next revisions', () => {
  const err = caught(() => resolveTarget(branched(), "+1", ["b"]));
  assert.ok(err instanceof GraphError);
  assert.equal(
    err.message,
    'Cannot resolve target "+1": "b" is a branch point with 2 next revisions (c1, c2)',
  );
  assert.throws(() => resolveTarget(graph(node("a"), node("z")), "+1", []), {
    message: /there are several bases with 2 next revisions \(a, z\)/,
  });
});

Deno.test("resolveTarget() follows a branch label through a branch point", () => {
  const map = branched();
  assert.deepEqual(resolveTarget(map, "c2branch@+1", ["b"]), ["c2"]);
  assert.deepEqual(resolveTarget(map, "c2branch@+2", ["b"]), ["d2"]);
  assert.deepEqual(resolveTarget(map, "c2branch@+1", ["c1"]), ["c2"]);
  assert.deepEqual(resolveTarget(map, "c2branch@+1", ["c1", "c2"]), ["d2"]);
  assert.deepEqual(resolveTarget(map, "c1branch@-1", ["d1", "d2"]), ["c1"]);
  assert.deepEqual(resolveTarget(map, "d2@-1", ["d1", "d2"]), ["c2"]);
  assert.throws(() => resolveTarget(map, "b+1", []), { message: /branch point/ });
});

Deno.test("resolveTarget() rejects +N and -N while the database is at two heads", () => {
  const err = caught(() => resolveTarget(branched(), "-1", ["d1", "d2"]));
  assert.ok(err instanceof MultipleHeadsError);
  assert.deepEqual(err.heads, ["d1", "d2"]);
  assert.equal(err.message, 'Cannot resolve target "-1": the database is at 2 heads (d1, d2)');
  assert.match(err.hint ?? "", /"d1@-1"/);
  assert.throws(() => resolveTarget(branched(), "+1", ["c1", "c2"]), MultipleHeadsError);
});

Deno.test("resolveTarget() steps across a merge up, but not down", () => {
  const map = diamond();
  assert.deepEqual(resolveTarget(map, "+1", ["b1"]), ["m"]);
  assert.deepEqual(resolveTarget(map, "+2", ["b2"]), ["n"]);
  assert.deepEqual(resolveTarget(map, "-1", ["n"]), ["m"]);
  assert.throws(() => resolveTarget(map, "-2", ["n"]), {
    name: "GraphError",
    message: 'Cannot resolve target "-2": "m" is a merge point of 2 revisions (b1, b2)',
  });
  assert.throws(() => resolveTarget(map, "m-1", []), { message: /merge point/ });
});

Deno.test("resolveTarget() steps LABEL@-1 down from a tip that dependsOn absorbed", () => {
  // a ← b, a ← c where c dependsOn b: at c, b's branch has no row of its own.
  const map = graph(node("a"), node("b", "a"), node("c", "a", { dependsOn: ["b"] }));
  assert.deepEqual(resolveTarget(map, "b@-1", ["c"]), ["a"]);
  assert.deepEqual(resolveTarget(map, "b@+0", ["c"]), ["b"]);
  // Nothing of x's line applied: there is nothing to step down from.
  const other = graph(node("a"), node("x"), node("y", "x"));
  assert.throws(() => resolveTarget(other, "y@-1", ["a"]), {
    message: 'Cannot resolve target "y@-1": no current revision is on the branch of "y"',
  });
});

Deno.test("targetNeedsCurrent() is true for current and steps from the database only", () => {
  for (const t of ["current", " current ", "+1", "-2", "c1branch@-1", "d2@+1"]) {
    assert.equal(targetNeedsCurrent(t), true, t);
  }
  for (const t of ["head", "heads", "base", "ae10", "head-1", "base+2", "c1branch@head", "b+1"]) {
    assert.equal(targetNeedsCurrent(t), false, t);
  }
});

Deno.test('resolveTarget() checks the rows it resolves "current" against', () => {
  assert.deepEqual(resolveTarget(branched(), "current", ["d2", "c1"]), ["c1", "d2"]);
  assert.throws(() => resolveTarget(linear(), "current", ["gone"]), {
    name: "GraphError",
    message: /names revision "gone", which no migration file defines/,
  });
});

Deno.test("resolveTarget() counts steps with the right plural", () => {
  const map = linear();
  assert.throws(() => resolveTarget(map, "+2", ["d"]), {
    message: 'Cannot resolve target "+2": there is only 1 revision above "d"',
  });
  assert.throws(() => resolveTarget(map, "+1", ["e"]), {
    message: 'Cannot resolve target "+1": there are no revisions above "e"',
  });
  assert.throws(() => resolveTarget(map, "-2", ["a"]), {
    message: 'Cannot resolve target "-2": there is only 1 revision to undo from "a"',
  });
  assert.throws(() => resolveTarget(map, "base-1", []), {
    message: 'Cannot resolve target "base-1": there are no revisions to undo from base',
  });
});
