/**
 * Runs the CLI as the whole process: argv in, exit code out, and a clean
 * end when the command can never finish (issue 9.10).
 *
 * A migration whose `upgrade()` waits on a promise nothing will ever settle
 * (a callback never called) leaves the event loop with nothing to do. With
 * `await main()` at the top level, Deno then ends the process with its own
 * "Top-level await promise never resolved" and a stack. So the entry does
 * not await: when the loop runs dry while the command is unfinished, the
 * `beforeunload` event fires and this prints one `error:` line naming the
 * migration, then exits 1. The migration's transaction was never committed,
 * so the database is as it was. (On PostgreSQL the driver lets an idle
 * connection not keep the loop alive, so the same holds there.)
 *
 * @module
 */
import { describeRevision } from "../apply/describe.ts";
import { runningStep } from "../apply/running.ts";
import { main } from "./main.ts";
import { Output } from "./output.ts";

/**
 * Runs `strata ARGV` and exits the process with its code.
 *
 * @param argv Arguments after the program name.
 */
export function runProcess(argv: readonly string[]): void {
  let finished = false;
  globalThis.addEventListener("beforeunload", () => {
    if (finished) return;
    Deno.exit(reportStall(new Output()));
  });
  main(argv).then((code) => {
    finished = true;
    Deno.exit(code);
  });
}

/**
 * Reports a command the event loop can no longer advance.
 *
 * @param out Where to print.
 * @returns The exit code (1).
 */
export function reportStall(out: Output): number {
  const step = runningStep();
  if (step === undefined) {
    out.info("error: Strata stopped with its command unfinished: nothing was left to wait for");
    out.info("hint: this looks like a bug in Strata; rerun with --debug for details");
    return 1;
  }
  const verb = step.direction === "up" ? "Upgrade" : "Downgrade";
  const fn = step.direction === "up" ? "upgrade()" : "downgrade()";
  out.info(
    `error: ${verb} ${
      describeRevision(step.revision, step.message)
    } never finished: its ${fn} waits for a promise that nothing can settle any more`,
  );
  out.info(
    `hint: look in ${fn} for a promise never resolved or rejected (a callback that is never ` +
      "called, a missing resolve()); its transaction was not committed",
  );
  return 1;
}
