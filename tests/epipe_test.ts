/**
 * Issue 8: `strata history | head -1` failed most runs with `error: Broken
 * pipe … this looks like a bug in Strata`, exit 1, breaking `set -o pipefail`
 * scripts. A real shell pipeline, with enough history (about 120 KB,
 * over a pipe's 64 KB buffer) that the writes really hit EPIPE after `head`
 * exits.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, makeProject } from "./_helpers.ts";

const COUNT = 2000;

Deno.test("strata history | head -1 ends quietly with exit 0 under pipefail", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) {
    const rev = `r${String(i).padStart(5, "0")}`;
    const down = i === 0 ? "null" : `"r${String(i - 1).padStart(5, "0")}"`;
    files[`${rev}_step.ts`] = `export const revision = "${rev}";\n` +
      `export const downRevision = ${down};\n` +
      `export const message = "step number ${i} of a long history";\n` +
      "export async function upgrade(op) {}\nexport async function downgrade(op) {}\n";
  }
  const p = await makeProject(files);
  try {
    // Without the pipe the output is far larger than a pipe buffer.
    const full = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-check", MAIN, "history"],
      cwd: p.dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(full.code, 0, new TextDecoder().decode(full.stderr));
    assert.ok(full.stdout.length > 65536 + 16384, `only ${full.stdout.length} bytes`);

    for (let run = 0; run < 2; run++) {
      const out = await new Deno.Command("bash", {
        args: ["-c", `set -o pipefail; "$DENO" run -A --no-check "$MAIN" history | head -1`],
        cwd: p.dir,
        env: { DENO: Deno.execPath(), MAIN, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      const stdout = dec.decode(out.stdout);
      const stderr = dec.decode(out.stderr);
      assert.equal(out.code, 0, `run ${run}: exit ${out.code}\n${stderr}`);
      assert.equal(stderr, "", `run ${run}`);
      assert.equal(stdout, `r01998 -> r01999 (head), step number 1999 of a long history\n`);
    }
    assert.ok(!(await Deno.stat(join(p.dir, "strata.db")).catch(() => null)));
  } finally {
    await p.cleanup();
  }
});
