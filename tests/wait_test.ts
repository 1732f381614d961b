/**
 * `strata wait` and `upgrade --wait` (issue 8), as subprocesses: a container
 * entrypoint starts before its database. PostgreSQL: a port that is closed
 * and then opened (a TCP proxy to the test server, started once the CLI
 * reports it is waiting). SQLite: a database directory that appears later
 * (a volume mounted late).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, makeProject, migrationSource, sqliteTestDb } from "./_helpers.ts";
import { hasPg } from "./_pg.ts";

/** A TCP port on which nothing listens. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A running `strata ARGS` whose stderr lines can be awaited. */
function spawnCli(args: string[], cwd: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const decoder = new TextDecoder();
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const reading = (async () => {
    for await (const chunk of child.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      for (const w of waiters.filter((w) => w.re.test(stderr))) w.resolve();
    }
  })();
  const stdout = new Response(child.stdout).text();
  return {
    /** Resolves once stderr matches `re`. */
    saw(re: RegExp): Promise<void> {
      if (re.test(stderr)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ re, resolve }));
    },
    async done() {
      const status = await child.status;
      await reading;
      return { code: status.code, stdout: await stdout, stderr };
    },
  };
}

/** Forwards connections on `port` to `target`, from now on. */
function startProxy(port: number, target: Deno.ConnectOptions) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const up = await Deno.connect(target).catch(() => undefined);
      if (!up) {
        conn.close();
        continue;
      }
      conns.push(up);
      conn.readable.pipeTo(up.writable).catch(() => {});
      up.readable.pipeTo(conn.writable).catch(() => {});
    }
  })().catch(() => {});
  return {
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
    },
  };
}

const WAITING = /^waiting for .* to accept connections \(up to \d+ s\): /m;

Deno.test({
  name: "strata wait returns 0 once a closed PostgreSQL port opens, with one progress line",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    if (!hasPg()) return;
    const server = new URL(Deno.env.get("STRATA_TEST_PG_URL")!);
    const password = decodeURIComponent(server.password);
    const port = closedPort();
    const url = new URL(server.href);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    const p = await makeProject();
    let proxy: { close(): void } | undefined;
    try {
      const cli = spawnCli(["-u", url.href, "wait", "--timeout", "60"], p.dir);
      await cli.saw(WAITING);
      // Refused a few more times while we wait, then the port opens.
      await new Promise((r) => setTimeout(r, 500));
      proxy = startProxy(port, {
        hostname: server.hostname === "localhost" ? "127.0.0.1" : server.hostname,
        port: Number(server.port || 5432),
      });
      const r = await cli.done();
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, WAITING);
      assert.match(lines[0]!, /connection refused/);
      assert.match(
        r.stdout,
        new RegExp(
          `^Database is ready: postgres://\\S+:\\*\\*\\*@127\\.0\\.0\\.1:${port}/\\S+ \\(after `,
        ),
      );
      assert.ok(!(r.stdout + r.stderr).includes(password), "password printed");
    } finally {
      proxy?.close();
      await p.cleanup();
    }
  },
});

Deno.test("strata wait gives up at the timeout with exit 1, and fails at once on a rejected login", async () => {
  const p = await makeProject();
  try {
    const port = closedPort();
    let r = await spawnCli(
      ["-u", `postgres://app:Wait-Pw-1@127.0.0.1:${port}/app`, "wait", "--timeout", "1"],
      p.dir,
    ).done();
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trimEnd().split("\n");
    assert.match(lines[0]!, WAITING);
    assert.equal(
      lines[1],
      `error: Gave up waiting for the database after 1 s: Cannot connect to ` +
        `postgres://app:***@127.0.0.1:${port}/app: connection refused`,
    );
    assert.match(lines[2] ?? "", /^hint: /);
    assert.ok(!r.stderr.includes("Wait-Pw-1"));

    if (hasPg()) {
      const wrong = new URL(Deno.env.get("STRATA_TEST_PG_URL")!);
      wrong.password = "Not-The-Password-7";
      r = await spawnCli(["-u", wrong.href, "wait", "--timeout", "60"], p.dir).done();
      assert.equal(r.code, 1, r.stderr);
      // Not retried until the timeout: the login's own error, at once.
      assert.match(r.stderr, /^error: Cannot connect to .*password authentication failed/m);
      assert.doesNotMatch(r.stderr, /Gave up waiting/);
      assert.ok(!r.stderr.includes("Not-The-Password-7"));
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("upgrade --wait waits for a SQLite database's directory to appear, then migrates", async () => {
  const p = await makeProject({
    "a1.ts": migrationSource(
      "a1a1a1a1a1a1",
      null,
      `await op.createTable("t", { id: { type: "integer" } });`,
    ),
  });
  try {
    const volume = join(p.dir, "volume");
    const db = join(volume, "app.db");
    const cli = spawnCli(["-u", `sqlite:${db}`, "upgrade", "head", "--wait"], p.dir);
    await cli.saw(WAITING);
    assert.ok(!(await Deno.stat(volume).catch(() => null)), "wait created the directory");
    await Deno.mkdir(volume);
    const r = await cli.done();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /directory ".*volume" does not exist/);
    assert.match(r.stdout, /Applied 1 migration/);
    assert.deepEqual(await sqliteTestDb(db).versions(), ["a1a1a1a1a1a1"]);

    // wait alone never creates the database file.
    const other = join(volume, "other.db");
    const w = await spawnCli(["-u", `sqlite:${other}`, "wait"], p.dir).done();
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stderr, "");
    assert.equal(w.stdout, `Database is ready: sqlite:${other}\n`);
    assert.ok(!(await Deno.stat(other).catch(() => null)), "wait created the file");
  } finally {
    await p.cleanup();
  }
});
