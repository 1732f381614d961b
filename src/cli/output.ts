/**
 * Where the CLI writes: data and progress to stdout, `error:`/`hint:`/warnings
 * to stderr. Every line passes through password redaction.
 *
 * @module
 */
import { StrataError } from "../errors.ts";

const encoder = new TextEncoder();
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/\s]*)@/gi;

/** A writable text stream. */
export interface Writer {
  writeSync(data: Uint8Array): number;
}

/** The CLI's output channels. */
export class Output {
  #stdout: Writer;
  #stderr: Writer;
  #secrets: string[] = [];
  /** `--json`: commands print one JSON document instead of text. */
  json = false;
  /** `--debug`: errors print their stack and causes. */
  debug = false;

  /**
   * @param stdout Data stream.
   * @param stderr Diagnostics stream.
   */
  constructor(stdout: Writer = Deno.stdout, stderr: Writer = Deno.stderr) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** Registers a secret (a password) that must never be printed. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length > 0) this.#secrets.push(secret, encodeURIComponent(secret));
  }

  /** Replaces URL passwords and registered secrets with `***`. */
  redact(text: string): string {
    let out = text.replace(URL_PASSWORD, "$1***@");
    for (const s of this.#secrets) out = out.replaceAll(s, "***");
    return out;
  }

  /** Writes a line to stdout. */
  line(text = ""): void {
    writeAll(this.#stdout, this.redact(text) + "\n");
  }

  /** Writes raw text to stdout (no newline added). */
  raw(text: string): void {
    writeAll(this.#stdout, this.redact(text));
  }

  /** Writes a JSON document to stdout. */
  data(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Writes a line to stderr. */
  info(text: string): void {
    writeAll(this.#stderr, this.redact(text) + "\n");
  }

  /** Writes `warning: …` to stderr. */
  warn(text: string): void {
    this.info(`warning: ${text}`);
  }

  /**
   * Reports an error as `error: …` (and `hint: …`), with a stack only under `--debug`.
   *
   * @param err What was thrown.
   * @returns The exit code to use.
   */
  error(err: unknown): number {
    if (err instanceof StrataError) {
      this.info(`error: ${oneLine(err.message)}`);
      if (err.hint) this.info(`hint: ${oneLine(err.hint)}`);
      if (this.debug) this.#stack(err);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.info(`error: ${oneLine(message)}`);
    if (this.debug) this.#stack(err);
    else this.info("hint: this looks like a bug in Strata; rerun with --debug for details");
    return 1;
  }

  #stack(err: unknown): void {
    let e: unknown = err;
    for (let depth = 0; e && depth < 5; depth++) {
      this.info(e instanceof Error ? (e.stack ?? e.message) : String(e));
      e = e instanceof Error ? e.cause : undefined;
      if (e) this.info("caused by:");
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function writeAll(w: Writer, text: string): void {
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}
