/**
 * `upgrade|downgrade RANGE --sql`: reads the range, plans the steps and the
 * replay up to `FROM`, loads the modules and hands them to the offline writer
 * (`sql_script.ts`). Nothing connects to the database. It asks its source
 * (the `Migrator`, by shape: `offline/` and `runner/` do not import each
 * other) only for the graph, the scripts, the engine and the table names.
 *
 * @module
 */
import type { Engine } from "../dialects/engine.ts";
import { UsageError } from "../errors.ts";
import { planDowngrade, planUpgrade, type Step } from "../graph/plan.ts";
import type { RevisionMap } from "../graph/revision_map.ts";
import { resolveTarget } from "../graph/target.ts";
import { applyVersionChange } from "../graph/version_rows.ts";
import { loadModules } from "../script/load.ts";
import type { Script } from "../script/script.ts";
import { renderOfflineScript } from "./sql_script.ts";

/** What an offline run reads from its project (a `Migrator` has it all). */
export interface OfflineSource {
  /** The engine whose dialect writes the script. */
  readonly engine: Engine;
  /** Strata's own table names. */
  readonly config: { readonly versionTable: string; readonly historyTable: string };
  /** The validated revision graph. */
  graph(): Promise<RevisionMap>;
  /** The discovered migration files. */
  scripts(): Promise<Script[]>;
}

/** Options of {@linkcode runOffline}. */
export interface OfflineRunOptions {
  /** @default {"migration"} */
  transactionPer?: "migration" | "run";
  /** Adds a timestamp to the header. */
  timestamp?: Date;
  /** Where warnings go (e.g. the objects a `cascade: true` drop removes). */
  onWarning?: (message: string) => void;
}

/**
 * Writes the SQL a live run would execute, without connecting (`--sql`).
 *
 * @param source The project: graph, scripts, engine, table names.
 * @param direction `up` or `down`.
 * @param range `TO` or `FROM:TO` (downgrades need `FROM:TO`); `FROM` may name
 *   several revisions (`b1,b2:head`), a database at two heads.
 * @param options Transaction mode and header timestamp.
 * @returns The script text.
 * @throws {UsageError} For a downgrade without `FROM`, or an empty `TO`.
 * @throws {OfflineError} When a migration needs a live database.
 *
 * @example A source built by hand (a `Migrator` is one)
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { sqliteEngine } from "../dialects/sqlite/mod.ts";
 * import { RevisionMap } from "../graph/revision_map.ts";
 * import { discoverScripts } from "../script/discover.ts";
 * import { runOffline } from "./run_offline.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   join(dir, "a1_create_users.ts"),
 *   'export const revision = "a1";\nexport const downRevision = null;\n' +
 *     "export async function upgrade(op) {\n" +
 *     '  await op.createTable("users", { id: { type: "integer" } });\n}\n',
 * );
 * const scripts = await discoverScripts(dir);
 * const sql = await runOffline({
 *   engine: sqliteEngine,
 *   config: { versionTable: "strata_version", historyTable: "strata_history" },
 *   graph: () => Promise.resolve(RevisionMap.build(scripts)),
 *   scripts: () => Promise.resolve(scripts),
 * }, "up", "head");
 * assert.match(sql, /^CREATE TABLE users \(/m);
 * assert.match(sql, /^INSERT INTO strata_version \(version_num\) VALUES \('a1'\);$/m);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runOffline(
  source: OfflineSource,
  direction: "up" | "down",
  range: string,
  options: OfflineRunOptions = {},
): Promise<string> {
  const map = await source.graph();
  const colon = range.indexOf(":");
  if (direction === "down" && colon < 0) {
    throw new UsageError(`Offline downgrade needs a range FROM:TO, got "${range}"`, {
      hint: "e.g. `strata downgrade e3a9:base --sql` (there is no database to read FROM from)",
    });
  }
  const fromText = colon < 0 ? "base" : range.slice(0, colon) || "base";
  const to = colon < 0 ? range : range.slice(colon + 1);
  if (!to) throw new UsageError(`Missing target after ":" in "${range}"`);
  const from = [...new Set(fromText.split(",").flatMap((t) => resolveTarget(map, t.trim(), [])))]
    .sort();
  const steps = direction === "up" ? planUpgrade(map, from, to) : planDowngrade(map, from, to);
  const replay = planUpgradeTo(map, from);
  const byRevision = new Map((await source.scripts()).map((s) => [s.revision, s]));
  const needed = [...new Set([...replay, ...steps].map((s) => s.revision))];
  const modules = await loadModules(needed.map((r) => byRevision.get(r)!));
  return await renderOfflineScript({
    engine: source.engine,
    replay,
    steps,
    scripts: byRevision,
    modules,
    versionTable: source.config.versionTable,
    historyTable: source.config.historyTable,
    transactionPer: options.transactionPer ?? "migration",
    range: `${direction === "up" ? "upgrade" : "downgrade"} ${fromText}:${to}`,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}

/** The upgrade steps from base to the set `revisions` (the replay up to FROM). */
function planUpgradeTo(map: RevisionMap, revisions: readonly string[]): Step[] {
  let rows: string[] = [];
  const all: Step[] = [];
  for (const rev of revisions) {
    const steps = planUpgrade(map, rows, rev);
    for (const step of steps) {
      rows = applyVersionChange(rows, step.version);
    }
    all.push(...steps);
  }
  return all;
}
