/**
 * Every CLI command, in the order `strata --help` lists them.
 *
 * @module
 */
import { checkCommand } from "./check.ts";
import { configCommand } from "./config.ts";
import { currentCommand } from "./current.ts";
import { initCommand } from "./init.ts";
import { branchesCommand, headsCommand } from "./heads.ts";
import { historyCommand } from "./history.ts";
import { pendingCommand } from "./pending.ts";
import { validateCommand } from "./validate.ts";
import { mergeCommand, revisionCommand } from "./revision.ts";
import { showCommand } from "./show.ts";
import type { CommandSpec } from "./spec.ts";
import { schemaCommand } from "./schema_dump.ts";
import { stampCommand } from "./stamp.ts";
import { downgradeCommand, upgradeCommand } from "./upgrade.ts";
import { waitCommand } from "./wait.ts";

/** All commands. */
export const COMMANDS: readonly CommandSpec[] = [
  upgradeCommand,
  downgradeCommand,
  currentCommand,
  historyCommand,
  headsCommand,
  branchesCommand,
  showCommand,
  stampCommand,
  pendingCommand,
  validateCommand,
  revisionCommand,
  mergeCommand,
  initCommand,
  configCommand,
  waitCommand,
  checkCommand,
  schemaCommand,
];
