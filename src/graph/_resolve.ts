/**
 * Parses a target expression into revisions plus the branch it is limited to.
 * Private to `graph/`: {@linkcode resolveTarget} is the public face.
 *
 * @module
 */
import { GraphError, MultipleHeadsError } from "../errors.ts";
import { ancestorsOf, branchHeadsOf, lineageOf, tipsOf } from "./_ancestry.ts";
import type { RevisionMap } from "./revision_map.ts";
import { plural } from "../text.ts";

/** A resolved target. */
export interface TargetSpec {
  /** The revisions named; empty for base. */
  revisions: string[];
  /**
   * The revision whose line of descent limits a downgrade (Alembic's branch
   * label): from `label@…`, or the current head a relative step started from.
   */
  lineage: string | undefined;
}

/**
 * `[label@][symbol](+|-)N`, Alembic's `_relative_destination` (whose symbol is
 * `\w+`; Strata accepts any id, which cannot contain `@ + - :` or spaces).
 */
export const RELATIVE_TARGET = /^(?:(.+?)@)?([^@+\-:\s]+)?([+-]\d+)$/;

/** The parts of a relative target, or `undefined` when `target` is not relative. */
export function relativeParts(
  target: string,
): { label: string | undefined; symbol: string | undefined; steps: number } | undefined {
  const m = RELATIVE_TARGET.exec(target.trim());
  if (!m) return undefined;
  return { label: m[1], symbol: m[2], steps: Number(m[3]) };
}

/** Revisions nothing depends on, not even through `dependsOn` (Alembic's `_real_heads`). */
export function tipHeads(map: RevisionMap): string[] {
  return map.heads.filter((id) => map.dependents(id).length === 0);
}

/** Resolves `target` (see `resolveTarget` for the grammar). */
export function parseTarget(
  map: RevisionMap,
  target: string,
  current: readonly string[],
): TargetSpec {
  const t = target.trim();
  const rel = relativeParts(t);
  if (rel) return relative(map, t, rel, current);
  return absolute(map, t, current);
}

function absolute(map: RevisionMap, t: string, current: readonly string[]): TargetSpec {
  if (t === "") throw new GraphError('Cannot resolve target "": it is empty');
  if (t === "heads") return { revisions: tipHeads(map), lineage: undefined };
  if (t === "head") return { revisions: single(map.heads, t, map.heads), lineage: undefined };
  if (t === "base") return { revisions: [], lineage: undefined };
  if (t === "current") return { revisions: [...current], lineage: undefined };
  const at = t.indexOf("@");
  if (at < 0) return { revisions: [map.resolvePrefix(t, "target")], lineage: undefined };
  const labelText = t.slice(0, at);
  const symbol = t.slice(at + 1);
  const label = map.resolvePrefix(labelText, "branch");
  const line = lineageOf(map, label);
  if (symbol === "base") return { revisions: [], lineage: label };
  if (symbol === "head" || symbol === "heads") {
    const heads = map.heads.filter((h) => line.has(h));
    return { revisions: symbol === "head" ? single(heads, t, heads) : heads, lineage: label };
  }
  const id = map.resolvePrefix(symbol, "target");
  if (!line.has(id)) {
    throw new GraphError(
      `Cannot resolve target "${t}": revision "${id}" is not on the branch of "${labelText}"`,
      { hint: "run `strata branches` to see which revisions each branch holds" },
    );
  }
  return { revisions: [id], lineage: label };
}

function relative(
  map: RevisionMap,
  t: string,
  rel: { label: string | undefined; symbol: string | undefined; steps: number },
  current: readonly string[],
): TargetSpec {
  const label = rel.label === undefined ? undefined : map.resolvePrefix(rel.label, "branch");
  const line = label === undefined ? undefined : lineageOf(map, label);
  let start: string | null;
  let lineage = label;
  if (rel.symbol !== undefined) {
    // Relative to a named revision: `abc+2`, `head-1`, `label@head-1`, `base+1`.
    if (rel.symbol === "base") start = null;
    else {
      const named = rel.label === undefined ? rel.symbol : `${rel.label}@${rel.symbol}`;
      const revs = absolute(map, named, current).revisions;
      start = single(revs, t, revs)[0] ?? null;
    }
  } else {
    // Relative to the database: `+1`, `-2`, `label@+1`.
    let from = line === undefined ? [...current] : current.filter((id) => line.has(id));
    if (from.length === 0 && line !== undefined) {
      // The branch has no row of its own (another branch absorbed its applied
      // tip through dependsOn): start from that tip, as Alembic does.
      const applied = ancestorsOf(map, current, { inclusive: true });
      from = rel.steps >= 0
        // `_parse_upgrade_target`: the tips of the applied revisions on the line.
        ? tipsOf(map, new Set([...applied].filter((id) => line.has(id))))
        // `_parse_downgrade_target`: the branch heads of everything applied
        // (`_get_all_current`), then those on the line.
        : branchHeadsOf(map, applied).filter((id) => line.has(id));
    }
    if (from.length > 1) {
      const err = new MultipleHeadsError(
        from,
        t,
        `Cannot resolve target "${t}": the database is at ${from.length} heads (${
          from.join(", ")
        })`,
      );
      err.hint = `say which head to start from, e.g. "${from[0]}@${
        rel.steps >= 0 ? "+" : ""
      }${rel.steps}"`;
      throw err;
    }
    if (from.length === 0 && rel.steps < 0) {
      throw new GraphError(
        `Cannot resolve target "${t}": ${
          rel.label === undefined
            ? "the database is at base"
            : `no current revision is on the branch of "${rel.label}"`
        }`,
      );
    }
    start = from[0] ?? null;
    // Alembic limits a downgrade relative to the database to the start's branch.
    lineage ??= start ?? undefined;
  }
  const end = walk(map, start, rel.steps, line, t);
  return { revisions: end === null ? [] : [end], lineage };
}

/** Alembic's `_walk`: up along children (limited to `line`), down along downRevisions. */
function walk(
  map: RevisionMap,
  start: string | null,
  steps: number,
  line: Set<string> | undefined,
  t: string,
): string | null {
  let at = start;
  const from = start === null ? "base" : `"${start}"`;
  for (let taken = 0; taken < Math.abs(steps); taken++) {
    if (steps > 0) {
      let next = at === null ? map.bases : map.children(at);
      if (line !== undefined) next = next.filter((id) => line.has(id));
      if (next.length === 0) {
        throw new GraphError(
          `Cannot resolve target "${t}": ${onlyRevisions(taken)} above ${from}`,
        );
      }
      if (next.length > 1) {
        throw new GraphError(
          `Cannot resolve target "${t}": ${
            at === null ? "there are several bases" : `"${at}" is a branch point`
          } with ${next.length} next revisions (${next.join(", ")})`,
          { hint: 'name the revision to go to, or a branch as "LABEL@+N"' },
        );
      }
      at = next[0] as string;
    } else {
      if (at === null) {
        throw new GraphError(
          `Cannot resolve target "${t}": ${onlyRevisions(taken)} to undo from ${from}`,
        );
      }
      const down = map.get(at).downRevisions;
      if (down.length > 1) {
        throw new GraphError(
          `Cannot resolve target "${t}": "${at}" is a merge point of ${down.length} revisions (${
            down.join(", ")
          })`,
          { hint: "name the revision to go to instead of a relative step" },
        );
      }
      at = down[0] ?? null;
    }
  }
  return at;
}

/** `there are no revisions`, `there is only 1 revision`, `there are only 3 revisions`. */
function onlyRevisions(taken: number): string {
  if (taken === 0) return "there are no revisions";
  return `there ${taken === 1 ? "is" : "are"} only ${plural(taken, "revision")}`;
}

function single(
  revisions: readonly string[],
  t: string,
  heads: readonly string[],
): string[] {
  if (revisions.length > 1) {
    throw new MultipleHeadsError(
      [...heads],
      t,
      `Cannot resolve target "${t}": there are ${heads.length} heads (${heads.join(", ")})`,
    );
  }
  return [...revisions];
}
