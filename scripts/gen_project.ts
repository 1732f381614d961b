/**
 * Generates a synthetic migrations directory for benchmarks and tests.
 *
 * ```sh
 * deno run -A scripts/gen_project.ts --dir /tmp/strata_bench --count 10000 --branches 20
 * deno run -A scripts/gen_project.ts --dir /tmp/dbmate/db/migrations --count 1000 --format dbmate
 * ```
 *
 * The graph is mostly linear: `--branches K` adds K diamonds, each two arms
 * that leave the same revision and meet again in a merge a few steps later.
 * Every migration creates one tiny table (`t_<rev>`) and its downgrade drops
 * it. Revision ids come from a seeded generator, so the same arguments always
 * give the same files.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { writeMigration } from "../src/script/template.ts";

/** Options of {@linkcode generateProject}. */
export interface GenerateOptions {
  /** Number of branch pairs, each merged again. @default {0} */
  branches?: number;
  /** Revisions on each arm of a branch pair (lowered when `count` is small). @default {2} */
  armLength?: number;
  /** Seed of the revision ids. @default {1} */
  seed?: number;
  /** Specifier of the type-only `Op` import in each file. @default {"../src/migration.ts"} */
  opImport?: string;
}

/** One generated revision. */
export interface GeneratedRevision {
  revision: string;
  downRevision: string | string[] | null;
  message: string;
}

/** What {@linkcode generateProject} wrote. */
export interface GeneratedProject {
  /** The revisions in the order they were created (a topological order). */
  revisions: GeneratedRevision[];
  /** The single head. */
  head: string;
  /** Paths of the files written, in creation order. */
  paths: string[];
}

/**
 * Plans a project's revisions without writing anything.
 *
 * @param count Total number of revisions (at least 1).
 * @param options Branches, arm length and seed.
 * @returns The revisions in creation order.
 * @throws {RangeError} When `count` is too small for the branch pairs asked for.
 *
 * @example A diamond
 * ```ts
 * import { planProject } from "./gen_project.ts";
 * const revs = planProject(6, { branches: 1 });
 * console.assert(Array.isArray(revs.at(-1)?.downRevision));
 * ```
 */
export function planProject(count: number, options: GenerateOptions = {}): GeneratedRevision[] {
  const branches = options.branches ?? 0;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`count must be >= 1, got ${count}`);
  }
  if (!Number.isInteger(branches) || branches < 0) {
    throw new RangeError(`branches must be >= 0, got ${branches}`);
  }
  let arm = options.armLength ?? 2;
  while (arm > 1 && 1 + branches * (2 * arm + 1) > count) arm--;
  if (1 + branches * (2 * arm + 1) > count) {
    throw new RangeError(`count ${count} is too small for ${branches} branch pairs`);
  }
  const spine = count - branches * (2 * arm + 1);
  // Diamonds start after evenly spaced spine revisions.
  const diamondsAfter = new Map<number, number>();
  for (let j = 0; j < branches; j++) {
    const at = Math.max(0, Math.floor(((j + 1) * spine) / (branches + 1)) - 1);
    diamondsAfter.set(at, (diamondsAfter.get(at) ?? 0) + 1);
  }

  const nextId = idGenerator(options.seed ?? 1);
  const revisions: GeneratedRevision[] = [];
  const add = (downRevision: string | string[] | null, message: string) => {
    const revision = nextId();
    revisions.push({ revision, downRevision, message });
    return revision;
  };
  let head: string | null = null;
  let diamond = 0;
  for (let i = 0; i < spine; i++) {
    head = add(head, `step ${i + 1}`);
    for (let d = diamondsAfter.get(i) ?? 0; d > 0; d--) {
      diamond++;
      const ends: string[] = [];
      for (const side of ["a", "b"]) {
        let tip: string = head;
        for (let k = 1; k <= arm; k++) tip = add(tip, `branch ${diamond}${side} step ${k}`);
        ends.push(tip);
      }
      head = add(ends, `merge branch ${diamond}`);
    }
  }
  return revisions;
}

/**
 * Writes an N-revision project into `dir` (created if missing). Refuses to
 * overwrite files.
 *
 * @param dir The migrations directory to fill.
 * @param count Total number of revisions.
 * @param options Branches, arm length, seed and the `Op` import.
 * @returns The revisions, the head and the paths written.
 * @throws {RangeError} As {@linkcode planProject}.
 * @throws {ScriptError} When a file exists or cannot be written.
 *
 * @example A 1,000-revision benchmark project
 * ```ts ignore
 * const { head } = await generateProject("/tmp/bench", 1000, { branches: 10 });
 * ```
 */
export async function generateProject(
  dir: string,
  count: number,
  options: GenerateOptions = {},
): Promise<GeneratedProject> {
  const revisions = planProject(count, options);
  const paths: string[] = new Array(revisions.length);
  const batch = 64;
  for (let i = 0; i < revisions.length; i += batch) {
    await Promise.all(
      revisions.slice(i, i + batch).map(async (r, j) => {
        paths[i + j] = await writeMigration(dir, {
          ...r,
          createDate: "2024-01-01T00:00:00.000Z",
          opImport: options.opImport ?? "../src/migration.ts",
          upgradeBody: `await op.execute("CREATE TABLE t_${r.revision} (id integer)");`,
          downgradeBody: `await op.execute("DROP TABLE t_${r.revision}");`,
        });
      }),
    );
  }
  return { revisions, head: revisions.at(-1)?.revision ?? "", paths };
}

/**
 * Writes the same schema as {@linkcode generateProject} as a dbmate project
 * (a yardstick for benchmarks): one `<version>_<name>.sql` file per revision,
 * in the same order, each creating the same table. dbmate has no revision
 * graph, so the branches are applied in creation order.
 *
 * @param dir The migrations directory to fill (created if missing).
 * @param count Total number of revisions.
 * @param options Branches, arm length and seed (as {@linkcode generateProject}).
 * @returns The paths written, in order.
 *
 * @example
 * ```ts ignore
 * await generateDbmateProject(".bench/dbmate1000/db/migrations", 1000, { branches: 10 });
 * ```
 */
export async function generateDbmateProject(
  dir: string,
  count: number,
  options: GenerateOptions = {},
): Promise<string[]> {
  const revisions = planProject(count, options);
  await Deno.mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [i, r] of revisions.entries()) {
    // dbmate orders by the numeric version prefix.
    const path = `${dir}/${String(20240101000000 + i)}_${r.revision}.sql`;
    await Deno.writeTextFile(
      path,
      `-- migrate:up\nCREATE TABLE t_${r.revision} (id integer);\n\n` +
        `-- migrate:down\nDROP TABLE t_${r.revision};\n`,
      { createNew: true },
    );
    paths.push(path);
  }
  return paths;
}

/** Deterministic 12-hex-character ids (mulberry32), never repeating. */
function idGenerator(seed: number): () => string {
  let state = seed >>> 0;
  const next32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const seen = new Set<string>();
  return () => {
    while (true) {
      const id = next32().toString(16).padStart(8, "0") +
        (next32() & 0xffff).toString(16).padStart(4, "0");
      if (!seen.has(id)) {
        seen.add(id);
        return id;
      }
    }
  };
}

if (import.meta.main) {
  const usage = "usage: deno run -A scripts/gen_project.ts --dir DIR --count N " +
    "[--branches K] [--seed S] [--op-import SPECIFIER] [--format strata|dbmate]";
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        dir: { type: "string" },
        count: { type: "string" },
        branches: { type: "string", default: "0" },
        seed: { type: "string", default: "1" },
        "op-import": { type: "string" },
        format: { type: "string", default: "strata" },
      },
    }));
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : err}\n${usage}`);
    Deno.exit(2);
  }
  const count = Number(values.count);
  if (!values.dir || !Number.isInteger(count)) {
    console.error(`error: --dir and --count are required\n${usage}`);
    Deno.exit(2);
  }
  const started = performance.now();
  try {
    const options: GenerateOptions = {
      branches: Number(values.branches),
      seed: Number(values.seed),
    };
    if (values["op-import"]) options.opImport = values["op-import"];
    if (values.format === "dbmate") {
      const paths = await generateDbmateProject(values.dir, count, options);
      const ms = Math.round(performance.now() - started);
      console.log(`wrote ${paths.length} dbmate migrations to ${values.dir} in ${ms} ms`);
    } else {
      const project = await generateProject(values.dir, count, options);
      const ms = Math.round(performance.now() - started);
      console.log(
        `wrote ${project.revisions.length} migrations to ${values.dir} in ${ms} ms; head ${project.head}`,
      );
    }
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : err}`);
    Deno.exit(err instanceof RangeError ? 2 : 1);
  }
}
