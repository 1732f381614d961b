/**
 * Lock exclusion between processes: `deno eval` children take the lock, as
 * separate migrator processes (or containers) would.
 */
import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { createPgDatabase, hasPg } from "../../tests/_pg.ts";
import { LockTimeoutError } from "../errors.ts";
import { openDriver } from "./mod.ts";
import { rejectsWith } from "./_test_helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MOD = new URL("./mod.ts", import.meta.url).href;

/** A child that takes the lock and holds it until killed (or `holdMs`). */
function child(url: string, timeoutMs: number, holdMs = 60_000) {
  const code = `
    import { openDriver } from ${JSON.stringify(MOD)};
    const db = await openDriver(${JSON.stringify(url)});
    try {
      const release = await db.lock("strata", {
        timeoutMs: ${timeoutMs},
        onWait: (holder) => console.log("WAIT " + holder),
      });
      console.log("LOCKED " + Deno.pid);
      await new Promise((r) => setTimeout(r, ${holdMs}));
      await release();
      console.log("RELEASED");
    } catch (e) {
      console.log(e.name + " " + e.message);
    } finally {
      await db.close();
    }`;
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", join(ROOT, "deno.json"), code],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  (async () => {
    let buf = "";
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => w.re.test(line))) w.resolve(line);
      }
    }
  })();
  return {
    proc,
    lines,
    /** Resolves with the first line matching `re` (seen already or later). */
    next(re: RegExp, ms = 30_000): Promise<string> {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${re} in ${JSON.stringify(lines)}`)), ms);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
  };
}

async function exclusionScenario(url: string, holderPattern: (pid: number) => RegExp) {
  const a = child(url, 5_000);
  await a.next(/^LOCKED/);

  // B waits, reports who holds the lock, and gives up after its timeout.
  const b = child(url, 600);
  const wait = await b.next(/^WAIT/);
  assert.match(wait, holderPattern(a.proc.pid));
  // The timeout is a LockTimeoutError whose message names the lock, the holder B saw, and
  // the timeout (0.6 s rounds to 1 s).
  const timedOut = await b.next(/^LockTimeoutError /);
  assert.match(
    timedOut,
    /^LockTimeoutError Cannot take the migration lock ".+": held by .+ for more than 1 s$/,
  );
  assert(timedOut.includes(`held by ${wait.slice("WAIT ".length)} for`), timedOut);
  assert.equal((await b.proc.status).success, true);
  assert(!b.lines.some((l) => l.startsWith("LOCKED")), b.lines.join("\n"));

  // C waits; SIGKILL of A (no cleanup at all) lets C in.
  const c = child(url, 20_000, 0);
  await c.next(/^WAIT/);
  a.proc.kill("SIGKILL");
  await a.proc.status;
  await c.next(/^LOCKED/);
  await c.next(/^RELEASED/);
  assert((await c.proc.status).success);
}

Deno.test("SqliteDriver.lock() excludes other processes and survives SIGKILL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "strata_lock_" });
  try {
    await exclusionScenario(
      `sqlite:${join(dir, "app.db")}`,
      (pid) => new RegExp(`^WAIT pid ${pid} on .+ since \\d{4}-`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "PostgresDriver.lock() excludes other sessions and survives SIGKILL",
  ignore: !hasPg(),
  async fn() {
    const db = await createPgDatabase("lock");
    try {
      await exclusionScenario(db.url, () => /^WAIT pid \d+ \(strata\)/);
    } finally {
      await db.drop();
    }
  },
});

Deno.test("lock() excludes a second connection in the same process, then releases", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "strata_lock_" });
  const urls: [string, string][] = [["sqlite", `sqlite:${join(dir, "app.db")}`]];
  const pg = hasPg() ? await createPgDatabase("lock") : undefined;
  if (pg) urls.push(["postgres", pg.url]);
  try {
    for (const [name, url] of urls) {
      await t.step(name, async () => {
        const one = await openDriver(url);
        const two = await openDriver(url);
        try {
          const release = await one.lock("strata", { timeoutMs: 1000 });
          const holders: (string | undefined)[] = [];
          const err = await rejectsWith(
            () => two.lock("strata", { timeoutMs: 300, onWait: (h) => holders.push(h) }),
            LockTimeoutError,
          );
          assertEquals(holders.length, 1);
          assert(err.hint?.includes("STRATA_LOCK_TIMEOUT"));
          // A different name is a different lock on PostgreSQL; SQLite has one per file.
          if (name === "postgres") await (await two.lock("other", { timeoutMs: 0 }))();
          await release();
          await release(); // idempotent
          await (await two.lock("strata", { timeoutMs: 0 }))();
        } finally {
          await one.close();
          await two.close();
        }
      });
    }
  } finally {
    await pg?.drop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteDriver.lock() is a no-op for :memory: (no lock file, never waits)", async () => {
  const cwd = Deno.cwd();
  const stray = join(cwd, ":memory:.strata-lock");
  const existed = await Deno.stat(stray).then(() => true, () => false);
  const one = await openDriver("sqlite::memory:");
  const two = await openDriver("sqlite::memory:");
  const waits: (string | undefined)[] = [];
  const onWait = (h: string | undefined) => waits.push(h);
  try {
    // A real lock would refuse the second and third takers at once (timeout 0).
    const first = await one.lock("strata", { timeoutMs: 0, onWait });
    const second = await one.lock("strata", { timeoutMs: 0, onWait });
    const third = await two.lock("strata", { timeoutMs: 0, onWait });
    assertEquals(waits, []);
    await Promise.all([first(), second(), third()]);
    if (!existed) {
      const made = await Deno.stat(stray).then(() => true, () => false);
      assert(!made, `a lock file appeared at ${stray}`);
    }
  } finally {
    await one.close();
    await two.close();
    if (!existed) await Deno.remove(stray).catch(() => {});
  }
});

Deno.test("lock() takes one lock for every name of one database", async (t) => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata_lock_" }));
  const pg = hasPg() ? await createPgDatabase("lockname") : undefined;
  try {
    await t.step(
      "sqlite: the file, a symbolic link, a linked directory and a hard link",
      async () => {
        await Deno.mkdir(join(dir, "data"));
        const real = join(dir, "data", "app.db");
        await Deno.writeFile(real, new Uint8Array());
        await Deno.symlink(real, join(dir, "link.db"));
        await Deno.symlink(join(dir, "data"), join(dir, "data-link"));
        await Deno.link(real, join(dir, "data", "hard.db"));
        const names = [
          join(dir, "link.db"),
          join(dir, "data-link", "app.db"),
          join(dir, "data", "hard.db"),
        ];
        const holder = await openDriver(`sqlite:${real}`);
        try {
          const release = await holder.lock("strata_version", { timeoutMs: 0 });
          for (const name of names) {
            const other = await openDriver(`sqlite:${name}`);
            try {
              await rejectsWith(
                () => other.lock("strata_version", { timeoutMs: 0 }),
                LockTimeoutError,
              );
            } finally {
              await other.close();
            }
          }
          await release();
          // No lock file is left held: every name can lock now.
          for (const name of names) {
            const other = await openDriver(`sqlite:${name}`);
            await (await other.lock("strata_version", { timeoutMs: 0 }))();
            await other.close();
          }
        } finally {
          await holder.close();
        }
      },
    );
    if (!pg) return;
    await t.step(
      "postgres: a bare name, the qualified name, and one found through search_path",
      async () => {
        const setup = await openDriver(pg.url);
        await setup.execute({ sql: "CREATE SCHEMA app; CREATE TABLE app.strata_version (x int)" });
        await setup.close();
        const pairs: [string, string, string][] = [
          ["strata_version", "public.strata_version", ""],
          ["strata_version", "app.strata_version", "?options=-c%20search_path%3Dapp,public"],
        ];
        for (const [bare, qualified, query] of pairs) {
          const one = await openDriver(pg.url + query);
          const two = await openDriver(pg.url);
          try {
            const release = await one.lock(bare, { timeoutMs: 0 });
            await rejectsWith(() => two.lock(qualified, { timeoutMs: 0 }), LockTimeoutError);
            await release();
            const back = await two.lock(qualified, { timeoutMs: 0 });
            await rejectsWith(() => one.lock(bare, { timeoutMs: 0 }), LockTimeoutError);
            await back();
          } finally {
            await one.close();
            await two.close();
          }
        }
      },
    );
  } finally {
    await pg?.drop();
    await Deno.remove(dir, { recursive: true });
  }
});
