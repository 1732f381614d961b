/**
 * Golden files for offline `--sql` scripts: the exact text Strata writes for
 * the demo migrations (`migrations/`) on both dialects, pinned in
 * `tests/golden/*.sql` (Atlas keeps `sql/migrate/testdata/*.golden` the same
 * way). Each script is generated twice, once by `main()` in this process and
 * once by `main.ts` in a subprocess, and both must match: the output is
 * deterministic, and the real entry point writes the same bytes.
 *
 * The scripts contain the checksum of each migration file (the
 * history-table inserts), so editing a demo migration changes these goldens.
 * That is intended: review the new script as a DBA would, then rewrite them:
 *
 *     UPDATE_GOLDEN=1 deno test -A tests/offline_golden_test.ts
 *
 * @module
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { type CliRunner, DEMO_DIR, ROOT, runCli, runCliInProcess } from "./_helpers.ts";

const GOLDEN_DIR = join(ROOT, "tests", "golden");
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

/** One pinned script: its golden name and the CLI arguments after `-d DEMO_DIR`. */
interface GoldenCase {
  name: string;
  args: string[];
}

const CASES: GoldenCase[] = [
  { name: "upgrade_base_head", args: ["upgrade", "head", "--sql"] },
  // Starts inside the graph, crosses the branch point, both branches and the merge.
  { name: "upgrade_range", args: ["upgrade", "5e8d2a4c7f10:b85a7e1c4d20", "--sql"] },
  { name: "downgrade_head_base", args: ["downgrade", "head:base", "--sql"] },
  { name: "upgrade_run", args: ["upgrade", "head", "--sql", "--transaction-per", "run"] },
];

/** The golden file for a case on a dialect. */
export function goldenPath(name: string, dialect: "sqlite" | "postgres"): string {
  return join(GOLDEN_DIR, `${name}.${dialect}.sql`);
}

/**
 * Writes an offline script for the demo set in a scratch directory (so no
 * `.env` or database file of the repository is involved).
 */
async function script(run: CliRunner, dialect: string, args: string[]): Promise<string> {
  const cwd = await Deno.makeTempDir({ prefix: "strata-golden-" });
  try {
    const r = await run(["-d", DEMO_DIR, ...args, "--dialect", dialect], { cwd });
    assertEquals(r.code, 0, r.stderr);
    assertEquals([...Deno.readDirSync(cwd)], [], "an offline run created files");
    return r.stdout;
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

for (const dialect of ["sqlite", "postgres"] as const) {
  Deno.test(`upgrade/downgrade --sql writes the pinned script for the demo set (${dialect})`, async (t) => {
    // All runs at once: in this process, and each in a process of its own.
    const outputs = await Promise.all(
      CASES.map(async (c) =>
        await Promise.all([
          script(runCliInProcess, dialect, c.args),
          script(runCli, dialect, c.args),
        ])
      ),
    );
    for (const [i, c] of CASES.entries()) {
      await t.step(c.name, async () => {
        const [first, second] = outputs[i]!;
        assertEquals(second, first, "the subprocess wrote another script than main() in-process");
        const path = goldenPath(c.name, dialect);
        if (UPDATE) {
          await Deno.mkdir(GOLDEN_DIR, { recursive: true });
          await Deno.writeTextFile(path, first);
          return;
        }
        let golden: string;
        try {
          golden = await Deno.readTextFile(path);
        } catch (err) {
          if (!(err instanceof Deno.errors.NotFound)) throw err;
          throw new Error(`Missing golden file ${path}: run with UPDATE_GOLDEN=1 to write it`);
        }
        assertEquals(first, golden, `${path} differs (UPDATE_GOLDEN=1 rewrites it)`);
      });
    }
  });
}

Deno.test("README's offline excerpt is a real excerpt of the pinned PostgreSQL script", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const section = readme.split("## For DBAs: offline SQL scripts")[1]?.split("\n## ")[0] ?? "";
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  assertEquals(typeof block, "string", "README has no ```sql block in its DBA section");
  const golden = await Deno.readTextFile(goldenPath("upgrade_base_head", "postgres"));
  for (const chunk of block!.split("…").map((c) => c.trim()).filter((c) => c !== "")) {
    assertEquals(
      golden.includes(chunk),
      true,
      `README excerpt not found in the golden script (update README):\n${chunk}`,
    );
  }
});
