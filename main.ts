/**
 * The `strata` command: argv in, exit code out.
 *
 * @module
 */
import { runProcess } from "./src/cli/process.ts";

// Not `await main()` here: a command that can never finish must end with an
// `error:` line, not Deno's "Top-level await promise never resolved".
if (import.meta.main) runProcess(Deno.args);
