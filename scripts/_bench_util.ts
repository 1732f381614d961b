/**
 * Helpers of `scripts/bench.ts`: running processes, timing them, summarising
 * samples and printing the table of figures beside their yardsticks.
 *
 * @module
 */

/** What a finished process returned. */
export interface RunResult {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run a command. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
}

/**
 * Runs a command and measures its wall time (spawn to exit).
 *
 * @param cmd The program and its arguments.
 * @param options Working directory, extra environment, standard input.
 * @returns Wall time, exit code and output.
 */
export async function run(cmd: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = cmd;
  const started = performance.now();
  const child = new Deno.Command(program!, {
    args,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const ms = performance.now() - started;
  const dec = new TextDecoder();
  return { ms, code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Runs a command and fails loudly unless it exits 0.
 *
 * @param cmd The program and its arguments.
 * @param options As {@linkcode run}.
 * @returns The result.
 * @throws {Error} With the output when the exit code is not 0.
 */
export async function mustRun(
  cmd: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const r = await run(cmd, options);
  if (r.code !== 0) {
    throw new Error(`${cmd.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`.slice(0, 4000));
  }
  return r;
}

/** One timed command of a round-robin series. */
export interface Timed {
  name: string;
  cmd: readonly string[];
  options?: RunOptions;
  /** Checks one run's output (throws when it is not what the figure needs). */
  check?: (r: RunResult) => void;
  /** Before each run (e.g. remove the database). */
  before?: () => Promise<void>;
}

/**
 * Times several commands `runs` times each, interleaved (one of each per
 * round) so that a busy spell of the machine weighs on all of them alike,
 * after `warmup` rounds that are not counted.
 *
 * @param commands The commands.
 * @param runs Counted rounds.
 * @param warmup Rounds run first and dropped.
 * @returns Wall times in milliseconds, by command name.
 */
export async function timeRounds(
  commands: readonly Timed[],
  runs: number,
  warmup = 1,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (let round = 0; round < warmup + runs; round++) {
    for (const c of commands) {
      await c.before?.();
      const r = await run(c.cmd, c.options);
      if (r.code !== 0) {
        throw new Error(`${c.name}: ${c.cmd.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      }
      c.check?.(r);
      if (round >= warmup) (out[c.name] ??= []).push(r.ms);
    }
  }
  return out;
}

/**
 * The median of a sample.
 *
 * @param xs The values (at least one).
 * @returns The median.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds as `12.3 ms` or `1.23 s`. */
export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** A rate as `1.23M rows/s` or `456k rows/s`. */
export function fmtRate(rowsPerSecond: number): string {
  return rowsPerSecond >= 1e6
    ? `${(rowsPerSecond / 1e6).toFixed(2)}M rows/s`
    : `${Math.round(rowsPerSecond / 1e3)}k rows/s`;
}

/** One yardstick beside a figure. */
export interface Yardstick {
  name: string;
  /** The yardstick's value as text, or why there is none. */
  value: string;
  /** Strata's figure divided by the yardstick's (time ratios: > 1 means Strata is slower). */
  ratio?: number;
}

/** One row of the results table. */
export interface Figure {
  figure: string;
  strata: string;
  yardsticks: Yardstick[];
  /** The goal and whether this run met it, e.g. `≤ 40 ms: ok`. */
  goal?: string;
}

/**
 * Prints the figures as a table: each figure beside its yardsticks, one
 * yardstick a line, with the ratio and the goal.
 *
 * @param figures The rows.
 */
export function printTable(figures: readonly Figure[]): void {
  const lines: string[][] = [["figure", "Strata", "yardstick", "ratio", "goal"]];
  for (const f of figures) {
    const ys = f.yardsticks.length ? f.yardsticks : [{ name: "", value: "" }];
    ys.forEach((y, i) => {
      lines.push([
        i === 0 ? f.figure : "",
        i === 0 ? f.strata : "",
        y.name ? `${y.name}: ${y.value}` : y.value,
        y.ratio === undefined || !Number.isFinite(y.ratio) ? "" : `${y.ratio.toFixed(2)}×`,
        i === 0 ? f.goal ?? "" : "",
      ]);
    });
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const render = (l: string[]) => l.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  console.log(render(lines[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines.slice(1)) console.log(render(l));
}

/**
 * Judges a value against a goal.
 *
 * @param label The goal as text, e.g. `≤ 40 ms`.
 * @param met Whether it was met.
 * @returns e.g. `≤ 40 ms: ok` or `≤ 40 ms: NOT MET`.
 */
export function goal(label: string, met: boolean): string {
  return `${label}: ${met ? "ok" : "NOT MET"}`;
}
