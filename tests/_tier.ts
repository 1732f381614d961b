/**
 * Test tiers: the default run keeps every kind of test with small repeat
 * counts, so `deno task test` stays fast; `STRATA_SOAK=1` runs the long
 * counts (more crash kills, concurrency rounds and random sequences).
 *
 * Seeded tests take their first seed from a test-specific variable, then
 * `STRATA_SEED`, then their own default, and print it so a failure can be
 * replayed.
 *
 * @example A repeat count and a start seed
 * ```ts ignore
 * const KILLS = repeat(12, 50, "STRATA_CRASH_KILLS");
 * const SEED = startSeed(1, "STRATA_RANDOM_SEED");
 * ```
 *
 * @module
 */

/** `true` when `STRATA_SOAK=1`: the long tier. */
export const SOAK: boolean = Deno.env.get("STRATA_SOAK") === "1";

/**
 * A repeat count for the current tier.
 *
 * @param defaultCount The count of the default (fast) run.
 * @param soakCount The count under `STRATA_SOAK=1`.
 * @param override An environment variable that, when set, wins over both
 *   (e.g. `STRATA_CRASH_KILLS`).
 * @returns The count to use.
 * @throws {Error} When the override is not a positive integer.
 */
export function repeat(defaultCount: number, soakCount: number, override?: string): number {
  const fromEnv = override ? readInt(override) : undefined;
  if (fromEnv !== undefined) {
    if (fromEnv < 1) throw new Error(`${override} must be at least 1, got ${fromEnv}`);
    return fromEnv;
  }
  return SOAK ? soakCount : defaultCount;
}

/**
 * The first seed of a seeded test: the test's own variable, else
 * `STRATA_SEED`, else `fallback`.
 *
 * @param fallback The seed when neither variable is set.
 * @param specific The test's own variable (e.g. `STRATA_CRASH_SEED`).
 * @returns The seed.
 * @throws {Error} When a variable is set but not an integer.
 */
export function startSeed(fallback: number, specific?: string): number {
  return (specific ? readInt(specific) : undefined) ?? readInt("STRATA_SEED") ?? fallback;
}

/** Reads an integer variable; `undefined` when unset or empty. */
function readInt(name: string): number | undefined {
  const text = Deno.env.get(name);
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${text}"`);
  return value;
}
