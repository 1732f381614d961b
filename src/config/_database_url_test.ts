import assert, { deepStrictEqual as assertEquals } from "node:assert";
import { ConfigError } from "../errors.ts";
import { throwsWith } from "../drivers/_test_helpers.ts";
import type { Engine, UrlParts } from "../dialects/engine.ts";
import { ENGINES } from "../dialects/registry.ts";
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
import { resolveUrl } from "./_database_url.ts";
import { envLayer, type Layer } from "./_layers.ts";

const CWD = "/srv/app";

/**
 * URL parts for SQLite, which has none: a stand-in for a future engine's,
 * to show that configuration merges whatever parts the engines declare.
 */
const LITE_PARTS: UrlParts = {
  fileKey: "lite",
  label: "LITE_*",
  parts: [
    { name: "dir", env: "LITE_DIR", numeric: false },
    { name: "file", env: "LITE_FILE", numeric: false },
  ],
  build(given, base) {
    const dir = given.dir?.value ?? "/var/lib";
    const file = given.file?.value ?? (base === undefined ? "app.db" : "base.db");
    return sqliteEngine.parseUrl(`${dir}/${file}`, `sqlite:${dir}/${file}`, CWD);
  },
};

const ENGINES_WITH_LITE: readonly Engine[] = ENGINES.map((e) =>
  e.name === sqliteEngine.name ? { ...e, urlParts: LITE_PARTS } : e
);

/** Environment layers, highest first. */
function layers(...envs: Record<string, string>[]): Layer[] {
  return envs.map((vars, i) => envLayer(vars, `env${i}`, CWD));
}

Deno.test("resolveUrl() merges any engine's declared parts key by key, a higher layer winning", () => {
  const r = resolveUrl(
    layers({ LITE_FILE: "top.db" }, { LITE_DIR: "/data", LITE_FILE: "low.db" }),
    ENGINES_WITH_LITE,
  );
  assertEquals([r.url?.dialect, r.url?.raw], ["sqlite", "sqlite:/data/top.db"]);
  // Sources in the engine's part order (dir before file), each from the layer that won.
  assertEquals(r.sources, ["env1 LITE_DIR", "env0 LITE_FILE"]);
  // Without the declaration the same variables mean nothing: no database.
  assertEquals(resolveUrl(layers({ LITE_FILE: "top.db" })), { url: undefined, sources: [] });
});

Deno.test("resolveUrl() applies parts over a lower full URL of their engine, and refuses another engine's", () => {
  const over = resolveUrl(
    layers({ LITE_DIR: "/data" }, { DATABASE_URL: "sqlite:old.db" }),
    ENGINES_WITH_LITE,
  );
  assertEquals([over.url?.raw, over.sources], [
    "sqlite:/data/base.db",
    ["env0 LITE_DIR", "env1 DATABASE_URL"],
  ]);
  const err = throwsWith(
    () =>
      resolveUrl(
        layers({ LITE_FILE: "a.db" }, { DATABASE_URL: "postgres://h/d" }),
        ENGINES_WITH_LITE,
      ),
    ConfigError,
    "Cannot combine env0 LITE_FILE with the PostgreSQL URL from env1 DATABASE_URL",
  );
  assert(err.hint?.startsWith("remove the LITE_* settings or the PostgreSQL URL"), err.hint);
});

Deno.test("resolveUrl() refuses parts of two engines rather than pick one", () => {
  const err = throwsWith(
    () => resolveUrl(layers({ POSTGRES_HOST: "db" }, { LITE_FILE: "a.db" }), ENGINES_WITH_LITE),
    ConfigError,
    "Cannot combine env1 LITE_FILE with env0 POSTGRES_HOST",
  );
  assertEquals(err.exitCode, 2);
  assert(err.hint?.includes("LITE_* or the POSTGRES_*"), err.hint);
  // A full URL above both wins whole, as it does over any parts below it.
  const r = resolveUrl(
    layers({ STRATA_URL: "sqlite::memory:" }, { POSTGRES_HOST: "db", LITE_FILE: "a.db" }),
    ENGINES_WITH_LITE,
  );
  assertEquals([r.url?.raw, r.sources], ["sqlite::memory:", ["env0 STRATA_URL"]]);
});
