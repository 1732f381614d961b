/**
 * Issue 8: passwords are masked by where they sit in a URL, not by their
 * text. The cases of the issue, through the CLI in-process, against a port
 * where nothing listens (connection refused at once):
 *
 * - a one-letter password (`e`) left `***rror:` where `error:` was;
 * - a password equal to the scheme and the user name masked those;
 * - an unencoded `/` or `@` in the password printed part of it.
 */
import assert from "node:assert/strict";
import { makeProject, migrationSource, runCliInProcess } from "./_helpers.ts";

const FILES = {
  "a1.ts": migrationSource("a1a1a1a1a1a1", null, `await op.execute("SELECT 1");`),
};

/** A TCP port on which nothing listens. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("a short password or one equal to the scheme and user leaves the rest of the message alone", async () => {
  const p = await makeProject(FILES);
  const port = closedPort();
  try {
    const cases: [url: string, shown: string][] = [
      [`postgres://app:e@127.0.0.1:${port}/app`, `postgres://app:***@127.0.0.1:${port}/app`],
      [
        `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
        `postgres://postgres:***@127.0.0.1:${port}/postgres`,
      ],
      [`postgresql://r:r@127.0.0.1:${port}/r`, `postgres://r:***@127.0.0.1:${port}/r`],
    ];
    for (const [url, shown] of cases) {
      for (const via of ["flag", "env"] as const) {
        const r = via === "flag"
          ? await runCliInProcess(["-u", url, "current"], { cwd: p.dir })
          : await runCliInProcess(["current"], { cwd: p.dir, env: { DATABASE_URL: url } });
        assert.equal(r.code, 1, r.stderr);
        const lines = r.stderr.trimEnd().split("\n");
        assert.equal(lines[0], `error: Cannot connect to ${shown}: connection refused`, url);
        assert.match(lines[1] ?? "", /^hint: is PostgreSQL running/);
        assert.equal(lines.length, 2, r.stderr);
        const cfg = await runCliInProcess(["-u", url, "config"], { cwd: p.dir });
        assert.match(
          cfg.stdout,
          new RegExp(`^url +${shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `, "m"),
        );
      }
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("an unencoded / or @ in the password is refused, asking to percent-encode it, and printed nowhere", async () => {
  const p = await makeProject(FILES);
  const port = closedPort();
  try {
    const cases = [
      `postgres://app:pa@ss/SECRETPART@127.0.0.1:${port}/db`,
      `postgres://app:pa/SECRETPART@127.0.0.1:${port}/db`,
      `postgres://app:SECRET@PART@127.0.0.1:${port}/db`,
    ];
    for (const url of cases) {
      for (
        const args of [["-u", url, "upgrade"], ["-u", url, "config"], [
          "--debug",
          "-u",
          url,
          "current",
        ]]
      ) {
        const r = await runCliInProcess(args, { cwd: p.dir, env: {} });
        assert.equal(r.code, 2, `${args.join(" ")}\n${r.stderr}`);
        const all = r.stdout + r.stderr;
        assert.ok(!/SECRET|PART|pa@ss|app:pa/.test(all), `${url} leaked:\n${all}`);
        const error = r.stderr.split("\n").find((l) => l.startsWith("error: "))!;
        assert.ok(
          error.startsWith(
            `error: Cannot parse database URL "postgres://***@127.0.0.1:${port}/db": `,
          ),
          error,
        );
        assert.match(r.stderr, /^hint: percent-encode special characters .*@ as %40, \/ as %2F/m);
      }
    }
    // The same password percent-encoded is accepted (and still not printed).
    const encoded = `postgres://app:${encodeURIComponent("pa@ss/SECRETPART")}@127.0.0.1:${port}/db`;
    const r = await runCliInProcess(["-u", encoded, "current"], { cwd: p.dir });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!/SECRET/.test(r.stderr), r.stderr);
    assert.match(
      r.stderr,
      /^error: Cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/db:/m,
    );
  } finally {
    await p.cleanup();
  }
});
