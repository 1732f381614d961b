/**
 * The revision graph: what `migrations/*.ts` headers say about each other,
 * validated once and then queried. Pure: no file or database access. The
 * vocabulary is Alembic's (`alembic/script/revision.py`): head, base, branch
 * point, merge point.
 *
 * @module
 */
import { GraphError } from "../errors.ts";
import { checkId, checkLabel, cycleError, describe, fileOf, unique } from "./_validate.ts";
import { compareIds, topoSort } from "./topo_sort.ts";

/** One migration as the graph sees it (a subset of a `Script`). */
export interface RevisionNode {
  /** The revision id. */
  revision: string;
  /** Parents: empty for a base, one for a plain step, several for a merge. */
  downRevisions: string[];
  /** Revisions (ids or branch labels) that must be applied first without being parents. */
  dependsOn: string[];
  /** Names for the branch this revision starts or belongs to. */
  branchLabels: string[];
  /** The migration file, named in errors. */
  path?: string;
  /** The migration's message. */
  message?: string;
}

interface Entry {
  node: RevisionNode;
  parents: string[];
  children: string[];
  dependents: string[];
  next: string[];
}

/**
 * A validated revision graph.
 *
 * Edges: a revision's *children* name it in `downRevisions`; its *dependents*
 * name it in `downRevisions` or `dependsOn`. `heads` follows Alembic's `heads`:
 * revisions that are nobody's `downRevision` (a revision that others merely
 * depend on is still the head of its own branch).
 *
 * @example A merge
 * ```ts
 * import assert from "node:assert/strict";
 * import { RevisionMap } from "./revision_map.ts";
 * const map = RevisionMap.build([
 *   { revision: "a", downRevisions: [], dependsOn: [], branchLabels: [] },
 *   { revision: "b", downRevisions: ["a"], dependsOn: [], branchLabels: [] },
 *   { revision: "c", downRevisions: ["a"], dependsOn: [], branchLabels: [] },
 *   { revision: "m", downRevisions: ["b", "c"], dependsOn: [], branchLabels: [] },
 * ]);
 * assert(map.isBranchPoint("a"));
 * assert(map.isMergePoint("m"));
 * assert.equal(map.heads.join(), "m");
 * ```
 */
export class RevisionMap {
  /** Revisions that are no other revision's `downRevision`, sorted by id. */
  readonly heads: string[];
  /** Revisions without `downRevisions`, sorted by id. */
  readonly bases: string[];
  #entries: Map<string, Entry>;
  #labels: Map<string, string>;
  #sorted: string[];
  #topo: string[] | undefined;

  private constructor(entries: Map<string, Entry>, labels: Map<string, string>) {
    this.#entries = entries;
    this.#labels = labels;
    this.#sorted = [...entries.keys()].sort(compareIds);
    this.heads = this.#sorted.filter((id) => this.#entry(id).children.length === 0);
    this.bases = this.#sorted.filter((id) => this.#entry(id).node.downRevisions.length === 0);
  }

  /**
   * Builds and validates a graph in O(n log n).
   *
   * `dependsOn` entries may name a branch label; {@linkcode RevisionMap.get}
   * returns them resolved to revision ids, with duplicates removed.
   *
   * @param nodes One entry per migration file.
   * @throws {GraphError} For an invalid or duplicate id, a duplicate branch
   * label, or an unknown `downRevision` / `dependsOn`; the message names the
   * revision and its file.
   * @throws {CycleError} When the revisions form a cycle.
   */
  static build(nodes: readonly RevisionNode[]): RevisionMap {
    const entries = new Map<string, Entry>();
    const list: Entry[] = [];
    for (const node of nodes) {
      checkId(node);
      const seen = entries.get(node.revision);
      if (seen) {
        throw new GraphError(
          `Cannot build the revision graph: revision "${node.revision}" is defined twice (${
            fileOf(seen.node)
          }, ${fileOf(node)})`,
          { hint: "give one of the files a new revision id" },
        );
      }
      // A copy, so later changes to the caller's arrays cannot reach the graph;
      // dependsOn is replaced by its resolved ids below.
      const copy = {
        ...node,
        downRevisions: unique(node.downRevisions),
        dependsOn: node.dependsOn,
        branchLabels: [...node.branchLabels],
      };
      const entry: Entry = { node: copy, parents: [], children: [], dependents: [], next: [] };
      entries.set(node.revision, entry);
      list.push(entry);
    }
    const labels = new Map<string, string>();
    for (const { node } of list) {
      if (node.branchLabels.length === 0) continue;
      for (const label of node.branchLabels) {
        checkLabel(node, label, entries);
        const owner = labels.get(label);
        if (owner !== undefined) {
          throw new GraphError(
            `Cannot build the revision graph: branch label "${label}" is used by ${
              describe(entries.get(owner)?.node ?? node)
            } and ${describe(node)}`,
            { hint: "a branch label names one revision; remove it from one of the files" },
          );
        }
        labels.set(label, node.revision);
      }
    }
    for (const entry of list) {
      const node = entry.node;
      const id = node.revision;
      const down = node.downRevisions;
      for (let i = 0; i < down.length; i++) {
        const parent = entries.get(down[i] as string);
        if (parent === undefined) {
          throw new GraphError(
            `Cannot build the revision graph: ${describe(node)} has unknown downRevision "${
              down[i]
            }"`,
            { hint: `check the downRevision export in ${fileOf(node)}` },
          );
        }
        parent.children.push(id);
        parent.dependents.push(id);
      }
      if (node.dependsOn.length === 0) {
        node.dependsOn = [];
        entry.parents = down;
        continue;
      }
      const deps: string[] = [];
      for (const dep of node.dependsOn) {
        const depId = entries.has(dep) ? dep : labels.get(dep);
        if (depId === undefined) {
          throw new GraphError(
            `Cannot build the revision graph: ${
              describe(node)
            } depends on unknown revision or branch label "${dep}"`,
            { hint: `check the dependsOn export in ${fileOf(node)}` },
          );
        }
        if (deps.includes(depId)) continue;
        deps.push(depId);
        if (!down.includes(depId)) entries.get(depId)?.dependents.push(id);
      }
      node.dependsOn = deps;
      entry.parents = unique([...down, ...deps]);
    }
    for (const entry of list) {
      const { children, dependents } = entry;
      if (children.length > 1) children.sort(compareIds);
      if (dependents.length > 1) dependents.sort(compareIds);
      // children ⊆ dependents, so equal lengths mean equal sets.
      entry.next = dependents.length === children.length
        ? children
        : [...children, ...dependents.filter((d) => !children.includes(d))];
    }
    const map = new RevisionMap(entries, labels);
    const order = map.topoOrder();
    if (order.length < entries.size) throw cycleError(map, new Set(order), [...entries.keys()]);
    return map;
  }

  /**
   * The revision with this full id.
   * @throws {GraphError} When there is none.
   */
  get(id: string): RevisionNode {
    return this.#entry(id).node;
  }

  /** Whether a revision with this full id exists. */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** The number of revisions. */
  get size(): number {
    return this.#entries.size;
  }

  /** Revisions naming `id` in `downRevisions`, sorted by id. */
  children(id: string): string[] {
    return [...this.#entry(id).children];
  }

  /** `downRevisions` then resolved `dependsOn` of `id`, without duplicates. */
  parents(id: string): readonly string[] {
    return this.#entry(id).parents;
  }

  /** Revisions naming `id` in `downRevisions` or `dependsOn`, sorted by id. */
  dependents(id: string): readonly string[] {
    return this.#entry(id).dependents;
  }

  /** Whether more than one revision names `id` as its `downRevision`. */
  isBranchPoint(id: string): boolean {
    return this.#entry(id).children.length > 1;
  }

  /** Whether `id` has more than one `downRevision`. */
  isMergePoint(id: string): boolean {
    return this.#entry(id).node.downRevisions.length > 1;
  }

  /** The revision carrying branch label `label`, if any. */
  revisionForLabel(label: string): string | undefined {
    return this.#labels.get(label);
  }

  /**
   * Resolves a full id, a unique id prefix or a branch label to a full id.
   *
   * @param idOrPrefix What the user typed.
   * @param noun What to call it in errors (`revision`, `target`).
   * @throws {GraphError} Listing the candidates when a prefix is ambiguous, or
   * with a hint to run `strata history` when nothing matches.
   */
  resolvePrefix(idOrPrefix: string, noun = "revision"): string {
    if (this.#entries.has(idOrPrefix)) return idOrPrefix;
    const labelled = this.#labels.get(idOrPrefix);
    if (labelled !== undefined) return labelled;
    const matches = idOrPrefix === "" ? [] : this.#withPrefix(idOrPrefix);
    if (matches.length === 1) return matches[0] as string;
    if (matches.length > 1) {
      const shown = matches.slice(0, 5).join(", ") + (matches.length > 5 ? ", …" : "");
      throw new GraphError(
        `Cannot resolve ${noun} "${idOrPrefix}": prefix matches ${matches.length} revisions (${shown})`,
        { hint: "type more characters of the revision id" },
      );
    }
    throw new GraphError(
      `Cannot resolve ${noun} "${idOrPrefix}": no revision id, id prefix or branch label matches`,
      { hint: "run `strata history` to list the revisions" },
    );
  }

  /**
   * Every revision, each after its `downRevisions` and `dependsOn`, in the
   * order described by {@linkcode topoSort}. Computed once.
   */
  topoOrder(): string[] {
    this.#topo ??= topoSort(this.#sorted, {
      parents: (id) => this.#entry(id).parents,
      next: (id) => this.#entry(id).next,
    });
    return [...this.#topo];
  }

  /** The order in which dependents of `id` are tried by {@linkcode topoSort}. */
  nextInOrder(id: string): readonly string[] {
    return this.#entry(id).next;
  }

  #entry(id: string): Entry {
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      throw new GraphError(`Cannot find revision "${id}"`, {
        hint: "run `strata history` to list the revisions",
      });
    }
    return entry;
  }

  #withPrefix(prefix: string): string[] {
    const ids = this.#sorted;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < ids.length && (ids[i] as string).startsWith(prefix); i++) {
      out.push(ids[i] as string);
    }
    return out;
  }
}
