/**
 * Starts and stops a throwaway PostgreSQL cluster for the test suite, from the
 * server binaries installed on the machine (initdb + pg_ctl). Runs them as the
 * `postgres` OS user when we are root, on a private socket directory and a
 * free port, with password authentication over TCP so tests can exercise a
 * wrong password.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The superuser password of the throwaway cluster (test-only). */
export const TEST_PG_PASSWORD = "strata-test-pw";

/** A running throwaway cluster. */
export interface Cluster {
  url: string;
  stop(): Promise<void>;
}

/**
 * Finds the PostgreSQL server binaries.
 *
 * @returns The bin directory, or `undefined` when none is installed.
 */
export function findPgBin(): string | undefined {
  const candidates = [
    Deno.env.get("PG_BIN"),
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/14/bin",
  ];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  return undefined;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(cmd: string[], asPostgres: boolean): Promise<void> {
  const argv = asPostgres ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd[0]} failed: ${text.trim()}`);
  }
}

/**
 * Creates and starts a cluster in a new temporary directory.
 *
 * @param bin The PostgreSQL bin directory.
 * @returns The cluster's superuser URL and a stop function that removes it.
 */
export async function startCluster(bin: string): Promise<Cluster> {
  const asPostgres = Deno.uid() === 0;
  const root = await Deno.makeTempDir({ prefix: "strata-pg-" });
  const data = join(root, "data");
  const sock = join(root, "sock");
  await Deno.mkdir(sock);
  const pwfile = join(root, "pw");
  await Deno.writeTextFile(pwfile, TEST_PG_PASSWORD + "\n");
  if (asPostgres) await run(["chown", "-R", "postgres", root], false);
  await run([
    join(bin, "initdb"),
    "-D",
    data,
    "-U",
    "postgres",
    "--pwfile",
    pwfile,
    "--auth-host=scram-sha-256",
    "--auth-local=trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ], asPostgres);
  const port = freePort();
  const opts =
    `-k ${sock} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  await run([
    join(bin, "pg_ctl"),
    "-D",
    data,
    "-o",
    opts,
    "-l",
    join(root, "log"),
    "-w",
    "-t",
    "60",
    "start",
  ], asPostgres);
  const url = `postgres://postgres:${TEST_PG_PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      try {
        await run([join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"], asPostgres);
      } finally {
        await Deno.remove(root, { recursive: true }).catch(() => {});
      }
    },
  };
}
