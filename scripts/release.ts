/**
 * Builds the `strata` binary with `deno compile`: for this machine
 * (`deno task compile`) or for every release target with a checksum file
 * (`deno task release`).
 *
 * ```sh
 * deno task compile                    # dist/strata (dist/strata.exe on Windows)
 * deno task release                    # dist/release/strata-VERSION-TARGET[.exe] + SHA256SUMS
 * deno task release --target aarch64-apple-darwin --out /tmp/rel
 * DENORT_BIN=/opt/denort deno task compile    # offline: supply the runtime yourself
 * ```
 *
 * `deno compile` joins Strata's code to Deno's base runtime, `denort`, which
 * it downloads once per target from dl.deno.land (and keeps in DENO_DIR). A
 * machine without internet access supplies it instead: `DENORT_BIN` names an
 * unzipped `denort` of the same Deno version, which builds for that runtime's
 * own target only (Deno uses it whatever `--target` says, so this script
 * reads the runtime's executable header and refuses a mismatch); or the
 * release's `denort-TARGET.zip` files are put where Deno caches them,
 * `$DENO_DIR/dl/release/vVERSION/`. The full `deno` binary is refused as a
 * runtime: a file built on it ignores Strata and just runs `deno`.
 *
 * Every failure is one `error: …` line: exit 2 for bad arguments or a
 * runtime that cannot be used, 1 when the build itself fails.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { StrataError, UsageError } from "../src/errors.ts";
import { VERSION } from "../src/version.ts";

const ROOT = resolve(import.meta.dirname!, "..");

/** Every target `deno compile --target` accepts. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
] as const;

/** A `deno compile` target. */
export type Target = typeof TARGETS[number];

/** What `deno task release` builds when no `--target` is given. */
export const RELEASE_TARGETS: readonly Target[] = TARGETS.slice(0, 5);

/**
 * Text only the full `deno` CLI carries (the help of `deno compile`); the
 * runtime `denort` is built without the command-line parser.
 */
const DENO_CLI_MARKER = "Compile the script into a self contained executable";

/**
 * The target an executable was built for, read from its header: ELF
 * (Linux), Mach-O (macOS) or PE (Windows), x86_64 or aarch64.
 *
 * @param bytes The file's first bytes (at least the headers; 4 KiB is plenty).
 * @returns The target, or `undefined` for any other file.
 */
export function executableTarget(bytes: Uint8Array): Target | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => at + 2 <= view.byteLength ? view.getUint16(at, true) : -1;
  const u32 = (at: number) => at + 4 <= view.byteLength ? view.getUint32(at, true) : -1;
  if (u32(0) === 0x464c457f) { // "\x7fELF", little-endian data, e_machine at 18
    const machine = bytes[5] === 1 ? u16(18) : -1;
    if (machine === 0x3e) return "x86_64-unknown-linux-gnu";
    if (machine === 0xb7) return "aarch64-unknown-linux-gnu";
    return undefined;
  }
  if (u32(0) === 0xfeedfacf) { // 64-bit Mach-O, cputype at 4
    const cpu = u32(4);
    if (cpu === 0x01000007) return "x86_64-apple-darwin";
    if (cpu === 0x0100000c) return "aarch64-apple-darwin";
    return undefined;
  }
  if (u16(0) === 0x5a4d) { // "MZ", then the PE header at e_lfanew
    const pe = u32(0x3c);
    if (pe < 0 || u32(pe) !== 0x00004550) return undefined;
    const machine = u16(pe + 4);
    if (machine === 0x8664) return "x86_64-pc-windows-msvc";
    if (machine === 0xaa64) return "aarch64-pc-windows-msvc";
  }
  return undefined;
}

/**
 * Checks the runtime named by `DENORT_BIN` and tells which target it builds.
 *
 * @param path The value of `DENORT_BIN`.
 * @returns The runtime's target.
 * @throws {UsageError} When the file is missing, is the full `deno` CLI, or
 *   is no executable this script knows.
 */
export async function checkRuntime(path: string): Promise<Target> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Error
      ? e.message
      : String(e);
    throw new UsageError(`Cannot read DENORT_BIN "${path}": ${why}`);
  }
  const target = executableTarget(bytes.subarray(0, 4096));
  if (target === undefined) {
    throw new UsageError(
      `DENORT_BIN "${path}" is not a denort executable for any of: ${TARGETS.join(", ")}`,
    );
  }
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(DENO_CLI_MARKER)) {
    throw new UsageError(
      `DENORT_BIN "${path}" is the deno CLI, not its runtime denort (a binary built on it ` +
        `ignores Strata and runs deno): unzip denort-TARGET.zip of Deno ${Deno.version.deno} ` +
        "and point DENORT_BIN at it",
    );
  }
  return target;
}

/**
 * Turns `deno compile`'s multi-line report of a failed runtime download into
 * one line that says how to supply the runtime, or `undefined` for any other
 * failure.
 *
 * @param stderr What `deno compile` printed (without colors).
 * @param target The target being built.
 * @returns The one-line message, without `error: `.
 */
export function downloadFailure(stderr: string, target: Target): string | undefined {
  const url = /https:\/\/dl\.deno\.land\/\S+?\.zip/.exec(stderr)?.[0];
  if (url === undefined || !/Setting up base binary|Failed downloading/.test(stderr)) {
    return undefined;
  }
  // The last numbered cause is the root one ("4: Name or service not known").
  const report = stderr.split(/^Stack backtrace:/m)[0] ?? "";
  const causes = [...report.matchAll(/^\s*\d+: (.+)$/gm)].map((m) => m[1]!.trim());
  const cause = causes.at(-1) ?? "download failed";
  return `Cannot download Deno's base runtime for ${target} from ${url} (${cause}): ` +
    `set DENORT_BIN=/path/to/denort (unzipped from that file, Deno ${Deno.version.deno}) ` +
    "to build without downloading";
}

/**
 * Writes `SHA256SUMS` beside the files, in the format `sha256sum -c` reads.
 *
 * @param files The files to list (by base name, so they must share a directory).
 * @returns The path of the checksum file.
 */
export async function writeChecksums(files: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const file of files) {
    const hash = createHash("sha256");
    for await (const chunk of (await Deno.open(file)).readable) hash.update(chunk);
    lines.push(`${hash.digest("hex")}  ${basename(file)}`);
  }
  const path = join(dirname(files[0] ?? "."), "SHA256SUMS");
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

/** Runs `deno ARGS` in the repository; its output without colors. */
async function deno(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Builds one target into `output`. */
async function compile(target: Target, output: string): Promise<void> {
  const r = await deno([
    "compile",
    "--allow-all",
    "--no-check", // checked once before the first target
    "--target",
    target,
    "--output",
    output,
    "main.ts",
  ]);
  if (r.code === 0) return;
  const download = downloadFailure(r.stderr, target);
  if (download !== undefined) throw new StrataError(download);
  throw new StrataError(`deno compile failed for ${target}:\n${r.stderr.trimEnd()}`);
}

/** Runs a binary built for this machine: it must be Strata, not a bare runtime. */
async function verify(output: string): Promise<void> {
  let text: string;
  try {
    const out = await new Deno.Command(output, { args: ["--version"], stdout: "piped" })
      .output();
    text = new TextDecoder().decode(out.stdout).trim();
  } catch (e) {
    text = `cannot run it: ${e instanceof Error ? e.message : e}`;
  }
  if (text !== `strata ${VERSION}`) {
    await Deno.remove(output).catch(() => {});
    throw new StrataError(
      `The built binary "${output}" is not Strata (--version printed "${
        text.split("\n")[0]
      }"): removed it`,
    );
  }
}

/** What to build, from the arguments and `DENORT_BIN`. */
async function plan(
  args: string[],
): Promise<{ targets: Target[]; out: string; host: boolean; check: boolean }> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        host: { type: "boolean" },
        target: { type: "string", multiple: true },
        out: { type: "string" },
        "no-check": { type: "boolean" },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const host = Deno.build.target as Target;
  const wanted = values.host ? [host] : values.target ?? [];
  for (const t of wanted) {
    if (!(TARGETS as readonly string[]).includes(t)) {
      throw new UsageError(`Unknown target "${t}": use one of ${TARGETS.join(", ")}`);
    }
  }
  let targets = wanted as Target[];
  const runtime = Deno.env.get("DENORT_BIN");
  if (runtime) {
    const own = await checkRuntime(runtime);
    const other = targets.find((t) => t !== own);
    if (other !== undefined) {
      throw new UsageError(
        `DENORT_BIN "${runtime}" is the runtime for ${own}: it cannot build ${other} ` +
          `(run once per target, e.g. deno task release --target ${own})`,
      );
    }
    if (targets.length === 0) targets = [own];
  } else if (targets.length === 0) targets = [...RELEASE_TARGETS];
  const out = resolve(values.out ?? join(ROOT, "dist", values.host ? "" : "release"));
  return { targets, out, host: values.host === true, check: values["no-check"] !== true };
}

/** Builds what the arguments ask for; returns the exit code. */
async function main(args: string[]): Promise<number> {
  try {
    const { targets, out, host, check } = await plan(args);
    if (check) {
      const r = await deno(["check", "main.ts"]);
      if (r.code !== 0) throw new StrataError(`Type check failed:\n${r.stderr.trimEnd()}`);
    }
    await Deno.mkdir(out, { recursive: true });
    const built: string[] = [];
    for (const target of targets) {
      const exe = target.includes("windows") ? ".exe" : "";
      const output = join(out, host ? `strata${exe}` : `strata-${VERSION}-${target}${exe}`);
      await compile(target, output);
      if (target === Deno.build.target) await verify(output);
      const size = (await Deno.stat(output)).size / 1e6;
      console.log(`Built ${output} (${size.toFixed(1)} MB)`);
      built.push(output);
    }
    if (!host) console.log(`Wrote ${await writeChecksums(built)}`);
    return 0;
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    console.error(`error: ${e.message}`);
    return e.exitCode;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
