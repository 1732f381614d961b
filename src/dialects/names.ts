/**
 * The registered engines' names: the key set of the registry
 * (`registry.ts`), which must hold exactly one engine per name (a type check
 * there). The list lives in this leaf module, not beside the engines, because
 * the public migration types (`op.dialect`) use it: importing the registry's
 * type would pull every dialect, every driver and postgres.js into the type
 * check of each user's migration file.
 *
 * @module
 */

/** Every engine name, in the order help texts list them. */
export const DIALECT_NAMES = ["sqlite", "postgres"] as const;

/** An engine's name: `"sqlite" | "postgres"`. */
export type DialectName = (typeof DIALECT_NAMES)[number];
