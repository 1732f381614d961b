import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { UsageError } from "../errors.ts";
import { throwsWith } from "../drivers/_test_helpers.ts";
import { parseCommandArgs, splitArgs } from "./args.ts";
import type { CommandSpec } from "./spec.ts";

/** A command with one option of each kind. */
const SPEC: CommandSpec = {
  name: "demo",
  summary: "",
  usage: "demo [TARGET...]",
  options: {
    message: { type: "string", short: "m", arg: "MSG", description: "" },
    rev: { type: "string", short: "r", arg: "RANGE", description: "" },
    verbose: { type: "boolean", short: "v", description: "" },
    sql: { type: "boolean", description: "" },
    label: { type: "string", multiple: true, arg: "L", description: "" },
  },
  positionals: { min: 0, max: 3, names: "TARGET..." },
  examples: [],
  run: () => Promise.resolve(0),
};

const parse = (...args: string[]) => parseCommandArgs(SPEC, args);

Deno.test("splitArgs() finds the command after global options and their values", () => {
  assertEquals(splitArgs(["-u", "upgrade", "current"]), {
    command: "current",
    rest: ["-u", "upgrade"],
  });
  assertEquals(splitArgs(["--json", "--url=sqlite:x.db", "heads", "-v"]), {
    command: "heads",
    rest: ["--json", "--url=sqlite:x.db", "-v"],
  });
  assertEquals(splitArgs(["downgrade", "-1"]), { command: "downgrade", rest: ["-1"] });
  assertEquals(splitArgs(["-2", "--help"]), { command: undefined, rest: ["-2", "--help"] });
  assertEquals(splitArgs([]), { command: undefined, rest: [] });
});

Deno.test("parseCommandArgs() reads relative targets as positionals, in their place", () => {
  assertEquals(parse("-1").args, ["-1"]);
  assertEquals(parse("-2:head", "--sql").args, ["-2:head"]);
  assertEquals(parse("a", "-3", "b").args, ["a", "-3", "b"]);
  // "-2:head" must not turn into the short options -2 -: -h -e -a -d.
  const { values } = parse("-2:head");
  assertEquals(Object.keys(values), []);
});

Deno.test("parseCommandArgs() gives a string option the next argument, also a relative target", () => {
  assertEquals(parse("-r", "-3:current").values.rev, "-3:current");
  assertEquals(parse("--rev", "-1:").values.rev, "-1:");
  assertEquals(parse("-vr", "-2", "x").values, { verbose: true, rev: "-2" });
  assertEquals(parse("-vr", "-2", "x").args, ["x"]);
  assertEquals(parse("-m", "fix it").values.message, "fix it");
  assertEquals(parse("--message=--sql").values.message, "--sql");
  assertEquals(parse("-mfix").values.message, "fix");
  assertEquals(parse("-m=fix").values.message, "fix");
  assertEquals(parse("--label", "a", "--label=b").values.label, ["a", "b"]);
  assertEquals(parse("--", "-v", "--sql").args, ["-v", "--sql"]);
});

Deno.test("parseCommandArgs() names an unknown option in Strata's words", () => {
  const e = throwsWith(() => parse("--frobnicate"), UsageError);
  assertEquals(e.message, 'Unknown option "--frobnicate" for "demo"');
  assertEquals(e.hint, "see `strata demo --help`");
  assertEquals(e.exitCode, 2);
  assertEquals(throwsWith(() => parse("--verbos"), UsageError).hint, "did you mean --verbose?");
  assertEquals(throwsWith(() => parse("-x"), UsageError).message, 'Unknown option "-x" for "demo"');
  // Object.prototype's names are not options.
  throwsWith(() => parse("--constructor"), UsageError, 'Unknown option "--constructor"');
});

Deno.test("parseCommandArgs() reports a missing value and a value given to a flag", () => {
  let e = throwsWith(() => parse("-m"), UsageError);
  assertEquals([e.message, e.hint], ['Option "-m" needs a value', "usage: -m MSG"]);
  e = throwsWith(() => parse("--message"), UsageError);
  assertEquals(e.message, 'Option "--message" needs a value');
  e = throwsWith(() => parse("-m", "--sql"), UsageError);
  assertEquals(e.message, 'Option "-m" needs a value, got option "--sql"');
  assertEquals(e.hint, 'to pass a value that starts with "-", write --message=--sql');
  e = throwsWith(() => parse("--sql=yes"), UsageError);
  assertEquals(e.message, 'Option "--sql" takes no value, got "yes"');
  // Global options are known to every command.
  assertEquals(parse("-u", "sqlite:x.db", "--json").values, { url: "sqlite:x.db", json: true });
  throwsWith(() => parse("--url"), UsageError, 'Option "--url" needs a value');
});

Deno.test("parseCommandArgs() checks the number of positionals unless --help is given", () => {
  const e = throwsWith(() => parse("a", "b", "c", "d"), UsageError);
  assertEquals(e.message, "demo takes 0 to 3 arguments (TARGET...), got 4");
  assert(e.hint?.startsWith("usage: strata demo"));
  assertEquals(parse("a", "b", "c", "d", "--help").values.help, true);
});
