/**
 * A PostgreSQL server that stops mid-run (issue 9.10): `pg_ctl stop -m
 * immediate` on a cluster started for this test while a migration's
 * statement runs. Strata must end with one `error:` line (and its hint) and
 * nothing after it: before, postgres.js's rollback wrote to the closed
 * socket and a raw `TypeError` stack followed.
 */
import assert from "node:assert/strict";
import { findPgBin, startCluster } from "../scripts/pg_cluster.ts";
import { MAIN, makeProject, migrationSource } from "./_helpers.ts";

const A1 = "a1a1a1a1a1a1";
const BIN = findPgBin();
/** Each case starts its own cluster (seconds of initdb): the second runs in the soak tier. */
const KINDS = Deno.env.get("STRATA_SOAK") === "1" ? [true, false] : [true];

for (const transactional of KINDS) {
  Deno.test({
    name: `a server that stops during a ${
      transactional ? "transactional" : "non-transactional"
    } migration ends the run with one error line`,
    ignore: BIN === undefined,
    async fn() {
      const p = await makeProject({
        "a1.ts": migrationSource(
          A1,
          null,
          `await op.createTable("t", { id: { type: "integer" } });\n` +
            `await op.execute("SELECT pg_sleep(20)");\n` +
            `await op.execute("INSERT INTO t VALUES (1)");`,
          "",
          transactional ? "" : "export const transactional = false;",
        ),
      });
      const cluster = await startCluster(BIN!);
      let stopped = false;
      try {
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--no-check", MAIN, "-u", cluster.url, "upgrade"],
          cwd: p.dir,
          env: { NO_COLOR: "1" },
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const output = child.output();
        const { default: postgres } = await import("npm:postgres@3.4.9");
        const watch = postgres(cluster.url, { max: 1, onnotice: () => {} });
        try {
          const deadline = Date.now() + 30_000;
          while (
            (await watch`SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)'`)
              .length === 0
          ) {
            assert.ok(Date.now() < deadline, "the migration never reached its statement");
            await new Promise((r) => setTimeout(r, 50));
          }
        } finally {
          await watch.end({ timeout: 0 }).catch(() => {});
        }
        await cluster.stop();
        stopped = true;
        const out = await output;
        const stderr = new TextDecoder().decode(out.stderr);
        const show = `exit ${out.code}\n${new TextDecoder().decode(out.stdout)}${stderr}`;
        assert.equal(out.code, 1, show);
        const lines = stderr.trim().split("\n");
        assert.equal(lines.length, 2, show);
        assert.match(
          lines[0]!,
          new RegExp(
            `^error: Upgrade ${A1} \\("m ${A1}"\\) failed at op\\.execute\\("SELECT pg_sleep\\(20\\)"\\): ` +
              "Lost the connection to postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/postgres " +
              "while running a statement: ",
          ),
          show,
        );
        assert.match(lines[1]!, /^hint: /, show);
        assert.doesNotMatch(stderr, /TypeError|^\s+at /m, show);
      } finally {
        if (!stopped) await cluster.stop();
        await p.cleanup();
      }
    },
  });
}
