/**
 * The `strata` command: argv in, exit code out. Run it from the package, e.g.
 * as a task in the project's `deno.json` (`strata init --deno` writes it):
 *
 * ```sh
 * deno run -A jsr:@strata/strata/cli init --url sqlite:app.db --deno
 * deno task migrate revision -m "create users"
 * deno task migrate upgrade head
 * ```
 *
 * `strata --help` lists the commands; each has `--help` with examples.
 *
 * @module
 */
import { runProcess } from "./src/cli/process.ts";

// Not `await main()` here: a command that can never finish must end with an
// `error:` line, not Deno's "Top-level await promise never resolved".
if (import.meta.main) runProcess(Deno.args);
