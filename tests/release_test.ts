/**
 * The release script (`deno task compile`, `deno task release`). A build
 * needs Deno's base runtime, `denort`, which this machine cannot download and
 * does not have, so these tests cover what can be shown without it: each way
 * the script refuses is one `error:` line with the documented exit code and
 * no file written (real subprocesses, the real `deno compile`), the runtime's
 * target is read from real executable headers, and the checksum file is the
 * one `sha256sum -c` accepts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, runCli, runCommand } from "./_helpers.ts";
import { executableTarget, writeChecksums } from "../scripts/release.ts";

const RELEASE = join(ROOT, "scripts", "release.ts");

/** Runs the release script with only `env` (plus HOME and DENO_DIR, so Deno finds its cache). */
function release(args: string[], env: Record<string, string> = {}) {
  const keep: Record<string, string> = {};
  for (const name of ["HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) keep[name] = value;
  }
  return runCli(["--no-check", ...args], { entry: RELEASE, env: { ...keep, ...env } });
}

/** A file holding just an executable header: `kind` and the CPU field. */
function header(kind: "elf" | "macho" | "pe", cpu: number): Uint8Array {
  const bytes = new Uint8Array(512);
  const view = new DataView(bytes.buffer);
  if (kind === "elf") {
    bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]); // ELF, 64-bit, little-endian
    view.setUint16(18, cpu, true);
  } else if (kind === "macho") {
    view.setUint32(0, 0xfeedfacf, true);
    view.setUint32(4, cpu, true);
  } else {
    bytes.set([0x4d, 0x5a]); // MZ
    view.setUint32(0x3c, 0x80, true);
    bytes.set([0x50, 0x45, 0, 0], 0x80); // PE\0\0
    view.setUint16(0x84, cpu, true);
  }
  return bytes;
}

/** A closed local port: a proxy there refuses at once, so no download can start. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "strata-release-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("executableTarget() reads this machine's deno binary as Deno.build.target", async () => {
  const file = await Deno.open(Deno.execPath());
  const head = new Uint8Array(4096);
  try {
    await file.read(head);
  } finally {
    file.close();
  }
  assert.equal(executableTarget(head), Deno.build.target);
});

Deno.test("executableTarget() tells each platform and CPU apart, and nothing else", () => {
  const cases: [Uint8Array, string | undefined][] = [
    [header("elf", 0x3e), "x86_64-unknown-linux-gnu"],
    [header("elf", 0xb7), "aarch64-unknown-linux-gnu"],
    [header("elf", 0x28), undefined], // 32-bit ARM: no Deno runtime
    [header("macho", 0x01000007), "x86_64-apple-darwin"],
    [header("macho", 0x0100000c), "aarch64-apple-darwin"],
    [header("pe", 0x8664), "x86_64-pc-windows-msvc"],
    [header("pe", 0xaa64), "aarch64-pc-windows-msvc"],
    [header("pe", 0x014c), undefined], // i386
    [header("elf", 0x3e).subarray(0, 10), undefined], // cut before e_machine
    [new TextEncoder().encode("#!/bin/sh\necho denort\n"), undefined],
  ];
  for (const [bytes, want] of cases) assert.equal(executableTarget(bytes), want);
});

Deno.test("writeChecksums() writes the SHA256SUMS that sha256sum -c verifies", async () => {
  await withTempDir(async (dir) => {
    const files = ["strata-a", "strata-b.exe"].map((n) => join(dir, n));
    await Deno.writeTextFile(files[0]!, "first binary\n");
    await Deno.writeFile(files[1]!, new Uint8Array(70_000).map((_, i) => i % 251));
    const path = await writeChecksums(files);
    assert.equal(path, join(dir, "SHA256SUMS"));
    let r = await runCommand("sha256sum", ["-c", "SHA256SUMS"], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, "strata-a: OK\nstrata-b.exe: OK\n");
    await Deno.writeTextFile(files[0]!, "first binary, changed\n");
    r = await runCommand("sha256sum", ["-c", "SHA256SUMS"], { cwd: dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /^strata-a: FAILED$/m);
  });
});

Deno.test("release.ts: with no runtime to download, one error line saying how to supply DENORT_BIN", async () => {
  const target = "aarch64-apple-darwin"; // never this machine's, so nothing runs the output
  const info = await runCommand(Deno.execPath(), ["info", "--json"]);
  const denoDir = JSON.parse(info.stdout).denoDir as string;
  const cached = join(denoDir, "dl", "release", `v${Deno.version.deno}`, `denort-${target}.zip`);
  if (await Deno.stat(cached).catch(() => null)) {
    console.error(`release_test: ${cached} is cached, so this build would not fail: skipped`);
    return;
  }
  await withTempDir(async (out) => {
    const r = await release(["--target", target, "--out", out], {
      HTTPS_PROXY: `http://127.0.0.1:${closedPort()}`,
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const url = `https://dl.deno.land/release/v${Deno.version.deno}/denort-${target}.zip`;
    assert.equal(r.stderr.split("\n").length, 2, r.stderr); // one line and its newline
    assert.ok(
      r.stderr.startsWith(`error: Cannot download Deno's base runtime for ${target} from ${url} (`),
      r.stderr,
    );
    assert.match(r.stderr, /: set DENORT_BIN=\/path\/to\/denort /);
    assert.deepEqual([...Deno.readDirSync(out)], []);
  });
});

Deno.test("release.ts refuses a DENORT_BIN it cannot build with, and a bad target, writing nothing", async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, "out");
    const mac = join(dir, "denort-mac");
    await Deno.writeFile(mac, header("macho", 0x0100000c));
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        [],
        { DENORT_BIN: Deno.execPath() },
        /^error: DENORT_BIN ".+" is the deno CLI, not its runtime denort .*point DENORT_BIN at it$/,
      ],
      [
        [],
        { DENORT_BIN: join(dir, "missing") },
        /^error: Cannot read DENORT_BIN ".+missing": no such file$/,
      ],
      [
        [],
        { DENORT_BIN: RELEASE },
        /^error: DENORT_BIN ".+release\.ts" is not a denort executable for any of: /,
      ],
      [
        ["--target", "x86_64-unknown-linux-gnu"],
        { DENORT_BIN: mac },
        /^error: DENORT_BIN ".+" is the runtime for aarch64-apple-darwin: it cannot build x86_64-unknown-linux-gnu \(run once per target, e\.g\. deno task release --target aarch64-apple-darwin\)$/,
      ],
      [
        ["--target", "sparc-sun-solaris"],
        {},
        /^error: Unknown target "sparc-sun-solaris": use one of x86_64-unknown-linux-gnu, /,
      ],
      [["--bogus"], {}, /^error: Unknown option '--bogus'/],
    ];
    for (const [args, env, want] of cases) {
      const r = await release([...args, "--out", out], env);
      assert.equal(r.code, 2, `${args} ${JSON.stringify(env)}: ${r.stderr}`);
      assert.match(r.stderr.trimEnd(), want);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.equal(await Deno.stat(out).catch(() => null), null, "wrote the output directory");
    }
  });
});
