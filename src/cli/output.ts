/**
 * Where the CLI writes: data and progress to stdout, `error:`/`hint:`/warnings
 * to stderr. Every line passes through password redaction by URL structure
 * (`config/redact.ts`).
 *
 * A reader that goes away (`strata history | head -1`) closes stdout: the
 * next write fails with EPIPE. That is not an error of the command: further
 * output is dropped and the command finishes as it would have (an `upgrade`
 * is not cut off between migrations because nobody reads its log), with its
 * own exit code.
 *
 * @module
 */
import { redactText } from "../config/redact.ts";
import { StrataError } from "../errors.ts";

const encoder = new TextEncoder();

/** A writable text stream. */
export interface Writer {
  writeSync(data: Uint8Array): number;
}

/** The CLI's output channels. */
export class Output {
  #stdout: Writer;
  #stderr: Writer;
  #closed = new Set<Writer>();
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

  /** Masks the password of anything URL-shaped (`scheme://user:***@host`). */
  redact(text: string): string {
    return redactText(text);
  }

  /** Whether stdout's reader has gone away (its output is being dropped). */
  get stdoutClosed(): boolean {
    return this.#closed.has(this.#stdout);
  }

  /** Writes a line to stdout. */
  line(text = ""): void {
    this.#write(this.#stdout, this.redact(text) + "\n");
  }

  /** Writes raw text to stdout (no newline added). */
  raw(text: string): void {
    this.#write(this.#stdout, this.redact(text));
  }

  /** Writes a JSON document to stdout. */
  data(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Writes a line to stderr. */
  info(text: string): void {
    this.#write(this.#stderr, this.redact(text) + "\n");
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

  #write(w: Writer, text: string): void {
    if (this.#closed.has(w)) return;
    const bytes = encoder.encode(text);
    let off = 0;
    try {
      while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
      this.#closed.add(w);
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
