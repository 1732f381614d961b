/** Strata's version, printed by `--version` and written into offline script headers. */
export const VERSION = "0.1.0";
