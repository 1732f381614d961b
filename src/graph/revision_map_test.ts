import assert from "node:assert/strict";
import { CycleError, GraphError } from "../errors.ts";
import { RevisionMap } from "./revision_map.ts";
import {
  branched,
  crossDependency,
  diamond,
  graph,
  linear,
  longChain,
  manyBranches,
  node,
  threeWay,
} from "./_testing.ts";

/** The error `fn` throws. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

/** Every parent (downRevision or dependsOn) comes before its child in `order`. */
function assertRespectsEdges(map: RevisionMap, order: string[]): void {
  const index = new Map(order.map((id, i) => [id, i]));
  assert.equal(index.size, map.size, "every revision appears once");
  for (const id of order) {
    for (const parent of map.parents(id)) {
      assert.ok(
        (index.get(parent) ?? Infinity) < (index.get(id) ?? -1),
        `${parent} before ${id}`,
      );
    }
  }
}

Deno.test("RevisionMap.build() accepts an empty list", () => {
  const map = RevisionMap.build([]);
  assert.deepEqual(map.heads, []);
  assert.deepEqual(map.bases, []);
  assert.deepEqual(map.topoOrder(), []);
});

Deno.test("RevisionMap.build() finds the head and base of a linear chain", () => {
  const map = linear();
  assert.deepEqual(map.heads, ["e"]);
  assert.deepEqual(map.bases, ["a"]);
  assert.deepEqual(map.children("b"), ["c"]);
  assert.deepEqual(map.topoOrder(), ["a", "b", "c", "d", "e"]);
  assert.equal(map.get("c").path, "migrations/c.ts");
  assert.ok(map.has("e") && !map.has("f"));
});

Deno.test("RevisionMap marks branch and merge points of a diamond", () => {
  const map = diamond();
  assert.ok(map.isBranchPoint("a"));
  assert.ok(!map.isBranchPoint("b1"));
  assert.ok(map.isMergePoint("m"));
  assert.ok(!map.isMergePoint("n"));
  assert.deepEqual(map.children("a"), ["b1", "b2"]);
  assert.deepEqual(map.heads, ["n"]);
  assert.deepEqual(threeWay().parents("m"), ["x", "y", "z"]);
});

Deno.test("RevisionMap.topoOrder() respects every edge and finishes a branch first", () => {
  for (const map of [linear(), diamond(), threeWay(), branched(), crossDependency()]) {
    assertRespectsEdges(map, map.topoOrder());
  }
  assert.deepEqual(branched().topoOrder(), ["a", "b", "c1", "d1", "c2", "d2"]);
  assert.deepEqual(diamond().topoOrder(), ["a", "b1", "b2", "m", "n"]);
  // p2 is ready before q1 starts, so q2 follows p2's branch only after p3.
  assert.deepEqual(crossDependency().topoOrder(), ["p1", "p2", "p3", "q1", "q2", "q3"]);
});

Deno.test("RevisionMap.topoOrder() and heads do not depend on input order", () => {
  const nodes = [
    node("a"),
    node("z", "a"),
    node("k", "a"),
    node("m", ["z", "k"]),
    node("h2", "a"),
    node("h1", "h2"),
  ];
  const forward = RevisionMap.build(nodes);
  const backward = RevisionMap.build([...nodes].reverse());
  assert.deepEqual(backward.topoOrder(), forward.topoOrder());
  assert.deepEqual(forward.heads, ["h1", "m"]);
  assert.deepEqual(backward.heads, ["h1", "m"]);
  assert.deepEqual(forward.topoOrder(), ["a", "h2", "h1", "k", "z", "m"]);
});

Deno.test("RevisionMap keeps a depended-on branch tip as a head, as Alembic does", () => {
  const map = crossDependency();
  assert.deepEqual(map.heads, ["p3", "q3"]);
  assert.deepEqual(map.bases, ["p1", "q1"]);
  assert.deepEqual(map.dependents("p2"), ["p3", "q2"]);
  assert.deepEqual(map.children("p2"), ["p3"]);
  assert.ok(!map.isBranchPoint("p2"));
});

Deno.test("RevisionMap.build() resolves a dependsOn branch label to its revision", () => {
  const map = graph(
    node("a", [], { branchLabels: ["lib"] }),
    node("x"),
    node("y", "x", { dependsOn: ["lib", "a"] }),
  );
  assert.deepEqual(map.get("y").dependsOn, ["a"]);
  assert.deepEqual(map.parents("y"), ["x", "a"]);
  assert.equal(map.revisionForLabel("lib"), "a");
});

Deno.test("RevisionMap.build() rejects a duplicate id naming both files", () => {
  const err = caught(() => graph(node("a"), { ...node("a"), path: "migrations/a_copy.ts" }));
  assert.ok(err instanceof GraphError);
  assert.match(
    err.message,
    /revision "a" is defined twice \(migrations\/a.ts, migrations\/a_copy.ts\)/,
  );
});

Deno.test("RevisionMap.build() rejects an unknown downRevision naming the file", () => {
  assert.throws(() => graph(node("a"), node("b", "zz")), {
    name: "GraphError",
    message:
      'Cannot build the revision graph: revision "b" (migrations/b.ts) has unknown downRevision "zz"',
  });
  assert.throws(() => graph(node("a"), node("b", "a", { dependsOn: ["nope"] })), {
    name: "GraphError",
    message: /revision "b" \(migrations\/b.ts\) depends on unknown revision or branch label "nope"/,
  });
});

Deno.test("RevisionMap.build() rejects a cycle with CycleError naming the files", () => {
  const err = caught(() =>
    graph(node("a"), node("b", ["a", "d"]), node("c", "b"), node("d", "c"), node("e", "d"))
  );
  assert.ok(err instanceof CycleError);
  assert.deepEqual(err.revisions, ["b", "c", "d"]);
  assert.equal(
    err.message,
    'Cannot build the revision graph: revision "b" (migrations/b.ts) is on a cycle (b -> c -> d -> b)',
  );
  assert.match(err.hint ?? "", /migrations\/b.ts, migrations\/c.ts, migrations\/d.ts/);
  assert.equal(err.exitCode, 2);
});

Deno.test("RevisionMap.build() rejects a self-loop and a dependsOn cycle", () => {
  assert.throws(() => graph(node("a", "a")), CycleError);
  assert.throws(
    () => graph(node("a", [], { dependsOn: ["b"] }), node("b", "a")),
    { name: "CycleError", message: /a -> b -> a|b -> a -> b/ },
  );
});

Deno.test("RevisionMap.build() rejects bad ids and branch labels", () => {
  assert.throws(() => graph(node("a-b")), { message: /revision id "a-b" in migrations\/a-b.ts/ });
  assert.throws(() => graph(node("head")), GraphError);
  assert.throws(
    () => graph(node("a", [], { branchLabels: ["x"] }), node("b", "a", { branchLabels: ["x"] })),
    { message: /branch label "x" is used by revision "a" .* and revision "b"/ },
  );
  assert.throws(() => graph(node("a", [], { branchLabels: ["b"] }), node("b", "a")), {
    message: /branch label "b" of revision "a" \(migrations\/a.ts\) is also a revision id/,
  });
  assert.throws(() => graph(node("a", [], { branchLabels: ["heads"] })), GraphError);
  assert.throws(() => graph(node("a", [], { branchLabels: ["x@y"] })), GraphError);
});

Deno.test("RevisionMap.build() rejects an id longer than the version column, naming the file", () => {
  const long = "f".repeat(65);
  const err = caught(() => graph(node("a"), node(long, "a")));
  assert.ok(err instanceof GraphError);
  assert.equal(err.exitCode, 2);
  assert.equal(
    err.message,
    `Cannot build the revision graph: revision id "${long}" in migrations/${long}.ts is 65 characters long; the version table holds at most 64`,
  );
  assert.match(err.hint ?? "", /shorter id/);
  // 64 characters fit, counted as characters (PostgreSQL's varchar), not UTF-16 units.
  assert.equal(graph(node("f".repeat(64))).size, 1);
  assert.equal(graph(node("é".repeat(64))).size, 1);
  assert.equal(graph(node("😀".repeat(64))).size, 1);
  assert.throws(() => graph(node("😀".repeat(65))), { message: /is 65 characters long/ });
});

Deno.test("RevisionMap.build() rejects ids that cannot start a file name or hold whitespace", () => {
  for (
    const id of [
      "a/b",
      "a\\b",
      "a\tb",
      "a\nb",
      "a b",
      "a\u0000b",
      "a\u007fb",
      "a*b",
      "a?b",
      'a"b',
      "a|b",
      "a<b",
      "a>b",
    ]
  ) {
    assert.throws(
      () => graph(node(id)),
      { name: "GraphError", message: /is not valid/ },
      JSON.stringify(id),
    );
  }
  const err = caught(() => graph(node("a/b")));
  assert.ok(err instanceof GraphError);
  assert.match(
    err.message,
    /revision id "a\/b" in migrations\/a\/b.ts is not valid: it contains "\/"/,
  );
  // What `strata revision --rev-id` accepts, and ids Alembic writes, still pass.
  for (const id of ["1f2e3d4c5b6a", "ae10_init", "0001", "v1.2", "ÄÖü"]) {
    assert.equal(graph(node(id)).size, 1, id);
  }
});

Deno.test("RevisionMap.resolvePrefix() accepts a full id, a unique prefix or a label", () => {
  const map = graph(
    node("ab12cd"),
    node("ab9f00", "ab12cd", { branchLabels: ["feature"] }),
    node("c0ffee", "ab9f00"),
  );
  assert.equal(map.resolvePrefix("ab12cd"), "ab12cd");
  assert.equal(map.resolvePrefix("ab1"), "ab12cd");
  assert.equal(map.resolvePrefix("c"), "c0ffee");
  assert.equal(map.resolvePrefix("feature"), "ab9f00");
});

Deno.test("RevisionMap.resolvePrefix() lists the candidates of an ambiguous prefix", () => {
  const map = graph(node("ab12cd"), node("ab9f00", "ab12cd"));
  assert.throws(() => map.resolvePrefix("ab", "target"), {
    name: "GraphError",
    message: 'Cannot resolve target "ab": prefix matches 2 revisions (ab12cd, ab9f00)',
  });
});

Deno.test("RevisionMap.resolvePrefix() hints at `strata history` for an unknown id", () => {
  const map = linear();
  const err = caught(() => map.resolvePrefix("zz"));
  assert.ok(err instanceof GraphError);
  assert.equal(
    err.message,
    'Cannot resolve revision "zz": no revision id, id prefix or branch label matches',
  );
  assert.match(err.hint ?? "", /strata history/);
  assert.throws(() => map.get("zz"), { name: "GraphError", message: 'Cannot find revision "zz"' });
});

Deno.test("RevisionMap.build() handles a 10,000-revision linear chain", () => {
  const map = RevisionMap.build(longChain(10_000));
  assert.deepEqual(map.heads, ["r09999"]);
  const order = map.topoOrder();
  assert.equal(order.length, 10_000);
  assert.equal(order[0], "r00000");
  assertRespectsEdges(map, order);
});

Deno.test("RevisionMap.build() handles 10,000 revisions on 100 branches", () => {
  const map = RevisionMap.build(manyBranches(100, 99));
  assert.equal(map.heads.length, 100);
  assert.equal(map.size, 10_000);
  assertRespectsEdges(map, map.topoOrder());
});
