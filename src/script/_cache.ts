/**
 * A cache of statically read migration headers, private to `src/script/`, so
 * a no-op `upgrade head` over many migrations stats each file instead of
 * reading, parsing and checksumming it (measured, 1,000 files, fresh process:
 * 38–54 ms read and parsed against 15–25 ms stat and cache).
 *
 * An entry is used only while the file's size, modification time, change
 * time and inode are what they were when it was stored (any write moves the
 * change time, even when the modification time is put back, though Deno
 * reports it only to the second); a file modified
 * less than two seconds before the cache is written is not stored (its time
 * stamp might not tell a second edit within the same tick apart, as git's
 * "racy" index entries). The cache lives in the user's cache directory
 * (`$STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else
 * `$HOME/.cache/strata`), one file per migrations directory. When that
 * directory is missing, unwritable or unreadable (a read-only container), or
 * `STRATA_CACHE_DIR` is empty or `none`, there is simply no cache.
 *
 * What an entry holds depends on the parser and the checksum, so the file
 * records Strata's version and {@linkcode FORMAT}: bump it whenever either
 * changes what a file yields.
 *
 * @module
 */
import { join } from "node:path";
import { VERSION } from "../version.ts";
import type { Script } from "./script.ts";

/** Version of the cache's contents; see the module documentation. */
const FORMAT = 1;
/** Files changed more recently than this before saving are not stored. */
const RACY_MS = 2_000;

/** What identifies one version of a file. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

type Entry = [
  ...stamp: [number, number, number, number],
  revision: string,
  downRevisions: string[],
  dependsOn: string[],
  branchLabels: string[],
  message: string,
  transactional: boolean,
  checksum: string,
  legacyChecksum: string | null,
];

/** A stamp from `Deno.statSync`, or `undefined` when the file cannot be stat'ed. */
export function stampOf(path: string): FileStamp | undefined {
  try {
    const st = Deno.statSync(path);
    if (!st.isFile || st.mtime === null) return undefined;
    return {
      size: st.size,
      mtimeMs: st.mtime.getTime(),
      ctimeMs: st.ctime?.getTime() ?? 0,
      ino: st.ino ?? 0,
    };
  } catch {
    return undefined;
  }
}

/** The cache of one migrations directory. */
export class HeaderCache {
  #file: string;
  #dir: string;
  #old: Record<string, Entry>;
  #new: Record<string, Entry> = {};
  #dirty = false;

  private constructor(file: string, dir: string, old: Record<string, Entry>) {
    this.#file = file;
    this.#dir = dir;
    this.#old = old;
  }

  /**
   * Opens the cache of a migrations directory (empty when there is none yet
   * or it is unreadable).
   *
   * @param cacheDir The cache directory.
   * @param dir The migrations directory (absolute).
   * @returns The cache.
   */
  static open(cacheDir: string, dir: string): HeaderCache {
    const file = join(cacheDir, `headers-${fnv1a(dir)}.json`);
    let old: Record<string, Entry> = {};
    try {
      const data = JSON.parse(Deno.readTextFileSync(file));
      if (data?.format === FORMAT && data.strata === VERSION && data.dir === dir) {
        old = data.entries;
      }
    } catch {
      // absent, unreadable or damaged: start empty
    }
    return new HeaderCache(file, dir, old);
  }

  /**
   * The script stored for a file, when its stamp is unchanged.
   *
   * @param name The file name.
   * @param path Its path (the script's `path`).
   * @param stamp Its stamp now.
   * @returns The script, or `undefined`.
   */
  get(name: string, path: string, stamp: FileStamp): Script | undefined {
    const e = this.#old[name];
    if (
      !Array.isArray(e) || e.length !== 12 || e[0] !== stamp.size || e[1] !== stamp.mtimeMs ||
      e[2] !== stamp.ctimeMs || e[3] !== stamp.ino
    ) {
      return undefined;
    }
    this.#new[name] = e;
    const script: Script = {
      revision: e[4],
      downRevisions: [...e[5]],
      dependsOn: [...e[6]],
      branchLabels: [...e[7]],
      message: e[8],
      transactional: e[9],
      path,
      staticHeader: true,
      checksum: e[10],
    };
    if (e[11] !== null) script.legacyChecksum = e[11];
    return script;
  }

  /**
   * Stores a statically read script (unless its file changed just now).
   *
   * @param name The file name.
   * @param stamp The file's stamp when it was read.
   * @param s The script.
   */
  set(name: string, stamp: FileStamp, s: Script): void {
    this.#dirty = true;
    if (Date.now() - stamp.mtimeMs < RACY_MS) return;
    this.#new[name] = [
      stamp.size,
      stamp.mtimeMs,
      stamp.ctimeMs,
      stamp.ino,
      s.revision,
      s.downRevisions,
      s.dependsOn,
      s.branchLabels,
      s.message,
      s.transactional,
      s.checksum,
      s.legacyChecksum ?? null,
    ];
  }

  /**
   * Writes the cache when anything changed: the entries used or stored in
   * this discovery, so removed files drop out. Errors are ignored (no cache).
   */
  save(): void {
    if (!this.#dirty && Object.keys(this.#new).length === Object.keys(this.#old).length) return;
    const text = JSON.stringify({
      format: FORMAT,
      strata: VERSION,
      dir: this.#dir,
      entries: this.#new,
    });
    const tmp = `${this.#file}.${Deno.pid}.tmp`;
    try {
      Deno.mkdirSync(join(this.#file, ".."), { recursive: true });
      Deno.writeTextFileSync(tmp, text);
      Deno.renameSync(tmp, this.#file); // atomic: concurrent runs never see half a file
    } catch {
      try {
        Deno.removeSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}

/**
 * The cache directory from the environment (see the module documentation).
 *
 * @param env Reads one environment variable (default: the process's).
 * @returns The directory, or `undefined` for no cache.
 */
export function defaultCacheDir(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string | undefined {
  try {
    const own = env("STRATA_CACHE_DIR");
    if (own !== undefined) return own === "" || own === "none" ? undefined : own;
    const xdg = env("XDG_CACHE_HOME");
    if (xdg) return join(xdg, "strata");
    const home = env("HOME");
    return home ? join(home, ".cache", "strata") : undefined;
  } catch {
    return undefined; // no permission to read the environment
  }
}

/** FNV-1a of a string, as 8 hex digits: a short, stable file name for a directory. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
