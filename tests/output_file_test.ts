/**
 * `upgrade --sql -o FILE` (issue 9.8): a missing or read-only directory, a
 * directory as the file, a full disk give one plain `error:` line (exit 1, no
 * "looks like a bug" hint) and leave no `*.strata-tmp` behind; a FIFO,
 * `/dev/stdout` and a symbolic link are written through, not replaced.
 *
 * The full device is a private node made with `mknod` (the same as
 * `/dev/full`), never `/dev/full` itself: a writer that renames over its
 * target would replace the system's device.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, makeProject, migrationSource, runCli } from "./_helpers.ts";

const FILES = {
  "a1.ts": migrationSource(
    "a1a1a1a1a1a1",
    null,
    `await op.createTable("ta", { id: { type: "integer" }, note: { type: "text" } });`,
  ),
};

/** Every `*.strata-tmp` under `dir`. */
async function leftovers(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await leftovers(path));
    else if (e.name.endsWith(".strata-tmp")) out.push(path);
  }
  return out;
}

/** Runs `strata upgrade head --sql -o OUT --dialect sqlite` in the project. */
function offline(cwd: string, out: string) {
  return runCli(["upgrade", "head", "--sql", "--dialect", "sqlite", "-o", out], { cwd });
}

function assertPlainError(r: { code: number; stderr: string; stdout: string }, error: RegExp) {
  const show = `exit ${r.code}\n${r.stdout}${r.stderr}`;
  assert.equal(r.code, 1, show);
  const lines = r.stderr.trim().split("\n");
  assert.match(lines[0] ?? "", error, show);
  assert.ok(lines.length <= 2, show);
  assert.doesNotMatch(r.stderr, /looks like a bug|^\s+at /m, show);
}

/** Runs `fn` with `dir` immutable (`chattr +i`: read-only even for root); skipped loudly without it. */
async function readOnlyDir(dir: string, fn: () => Promise<void>): Promise<void> {
  if (Deno.uid() !== 0) {
    await Deno.chmod(dir, 0o555);
    try {
      return await fn();
    } finally {
      await Deno.chmod(dir, 0o755);
    }
  }
  const on = await new Deno.Command("chattr", { args: ["+i", dir], stderr: "piped" }).output()
    .catch(() => undefined);
  if (!on?.success) {
    console.error(`\n!!! SKIPPING the read-only directory case: chattr +i failed !!!\n`);
    return;
  }
  try {
    await fn();
  } finally {
    await new Deno.Command("chattr", { args: ["-i", dir] }).output();
  }
}

Deno.test("--sql -o FILE fails with one plain error line and leaves nothing behind", async (t) => {
  const p = await makeProject(FILES);
  try {
    await t.step("a missing directory", async () => {
      const r = await offline(p.dir, "no/such/dir/out.sql");
      assertPlainError(
        r,
        /^error: Cannot write the script to "no\/such\/dir\/out\.sql": directory ".*no\/such\/dir" does not exist$/,
      );
    });
    await t.step("a directory as the file", async () => {
      const r = await offline(p.dir, "migrations");
      assertPlainError(r, /^error: Cannot write the script to "migrations": it is a directory$/);
    });
    await t.step("a read-only directory", async () => {
      const dir = join(p.dir, "locked");
      await Deno.mkdir(dir);
      await Deno.writeTextFile(join(dir, "out.sql"), "old script\n");
      await readOnlyDir(dir, async () => {
        const r = await offline(p.dir, "locked/out.sql");
        assertPlainError(r, /^error: Cannot write the script to "locked\/out\.sql": no permission/);
      });
      assert.equal(await Deno.readTextFile(join(dir, "out.sql")), "old script\n", "unchanged");
    });
    await t.step("a full device (/dev/full)", async () => {
      const r = await offline(p.dir, "/dev/full");
      assertPlainError(
        r,
        /^error: Cannot write the script to "\/dev\/full": no space left on the device$/,
      );
    });
    await t.step("a full disk (a 16 kB tmpfs)", async () => {
      const mnt = join(p.dir, "small");
      await Deno.mkdir(mnt);
      const mount = await new Deno.Command("mount", {
        args: ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt],
        stderr: "piped",
      }).output().catch(() => undefined);
      if (!mount?.success) {
        console.error("\n!!! SKIPPING the full-disk case: cannot mount a tmpfs here !!!\n");
        return;
      }
      try {
        // A migration big enough that its script does not fit.
        await Deno.writeTextFile(
          join(p.migrations, "b2.ts"),
          migrationSource(
            "b2b2b2b2b2b2",
            "a1a1a1a1a1a1",
            `await op.bulkInsert("ta", ${
              JSON.stringify(
                Array.from({ length: 600 }, (_, i) => ({ id: i, note: "x".repeat(60) })),
              )
            });`,
          ),
        );
        const r = await offline(p.dir, "small/out.sql");
        assertPlainError(
          r,
          /^error: Cannot write the script to "small\/out\.sql": no space left on the device$/,
        );
        assert.deepEqual([...Deno.readDirSync(mnt)], [], "nothing left on the full disk");
      } finally {
        await Deno.remove(join(p.migrations, "b2.ts")).catch(() => {});
        await new Deno.Command("umount", { args: [mnt] }).output();
      }
    });
    assert.deepEqual(await leftovers(p.dir), []);
  } finally {
    await p.cleanup();
  }
});

Deno.test("--sql -o writes through a FIFO, /dev/stdout and a symbolic link instead of replacing them", async (t) => {
  const p = await makeProject(FILES);
  try {
    const expected = (await runCli(["upgrade", "head", "--sql", "--dialect", "sqlite"], {
      cwd: p.dir,
    })).stdout;
    assert.match(expected, /CREATE TABLE ta/);
    await t.step("a FIFO", async () => {
      const fifo = join(p.dir, "pipe.sql");
      const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assert.ok(made.success);
      // `timeout`: a writer that replaced the FIFO would leave `cat` waiting for ever.
      const reader = new Deno.Command("timeout", { args: ["20", "cat", fifo], stdout: "piped" })
        .output();
      const r = await offline(p.dir, "pipe.sql");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(new TextDecoder().decode((await reader).stdout), expected);
      assert.ok((await Deno.lstat(fifo)).isFifo, "still a FIFO");
    });
    await t.step("/dev/stdout", async () => {
      const r = await offline(p.dir, "/dev/stdout");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, expected);
    });
    await t.step("a symbolic link", async () => {
      await Deno.mkdir(join(p.dir, "real"));
      await Deno.writeTextFile(join(p.dir, "real", "out.sql"), "old\n");
      await Deno.symlink(join(p.dir, "real", "out.sql"), join(p.dir, "link.sql"));
      // A dangling link too: the file it names is created.
      await Deno.symlink("real/new.sql", join(p.dir, "dangling.sql"));
      for (const [link, real] of [["link.sql", "out.sql"], ["dangling.sql", "new.sql"]]) {
        const r = await offline(p.dir, link!);
        assert.equal(r.code, 0, r.stderr);
        assert.ok((await Deno.lstat(join(p.dir, link!))).isSymlink, `${link} is still a link`);
        assert.equal(await Deno.readTextFile(join(p.dir, "real", real!)), expected);
      }
    });
    assert.deepEqual(await leftovers(p.dir), []);
  } finally {
    await p.cleanup();
  }
});

Deno.test("--sql -o /dev/stdout through a shell pipe writes the script to the reader", async () => {
  // The same through a shell pipe: the reader sees the script, nothing is replaced.
  const p = await makeProject(FILES);
  try {
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        `"${Deno.execPath()}" run -A --no-check "${MAIN}" upgrade head --sql --dialect sqlite -o /dev/stdout | wc -l`,
      ],
      cwd: p.dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.ok(Number(new TextDecoder().decode(out.stdout).trim()) > 5);
  } finally {
    await p.cleanup();
  }
});
