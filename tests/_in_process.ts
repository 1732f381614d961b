/**
 * Runs the CLI in this process through `main(argv, { out, env, cwd })`, with
 * stdout and stderr captured: for argument handling, output and exit codes,
 * where a subprocess adds nothing but start-up time.
 *
 * @module
 */
import { main } from "../src/cli/main.ts";
import { Output, type Writer } from "../src/cli/output.ts";
import type { CliResult } from "./_helpers.ts";

/** A writer that keeps what is written. */
class Capture implements Writer {
  #chunks: Uint8Array[] = [];
  writeSync(data: Uint8Array): number {
    this.#chunks.push(data.slice());
    return data.length;
  }
  text(): string {
    const dec = new TextDecoder();
    return this.#chunks.map((c) => dec.decode(c, { stream: true })).join("") + dec.decode();
  }
}

/**
 * Runs `strata ARGS` in-process.
 *
 * @param args CLI arguments.
 * @param options Working directory and the whole environment (default: empty).
 * @returns Exit code and output, as `runCli` returns them.
 */
export async function runMain(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, {
    out: new Output(stdout, stderr),
    env: options.env ?? {},
    cwd: options.cwd,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * The names of the entries of a directory, recursively, sorted: to show that
 * a command created nothing.
 *
 * @param dir The directory.
 * @returns Relative paths.
 */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(rel ? `${dir}/${rel}` : dir)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      out.push(path);
      if (e.isDirectory) walk(path);
    }
  };
  walk("");
  return out.sort();
}
