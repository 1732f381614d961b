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
import { main } from "./src/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
