/**
 * The PostgreSQL driver's TCP sockets, held so that an idle connection does
 * not keep the process alive (issue 9.10).
 *
 * A Strata command whose migration waits on a promise nothing can settle
 * must end with an `error:` line (`cli/process.ts` notices when the event
 * loop runs dry). An open socket keeps the loop alive for ever, so the
 * process would hang instead. So the driver creates the sockets itself
 * (postgres.js's `socket` option), keeps them referenced only while a query
 * or the close is under way, and lets them go unreferenced in between. An
 * application using the library keeps its own loop alive, so nothing changes
 * for it.
 *
 * With TLS, postgres.js wraps the socket; whether the wrapper follows the
 * reference depends on the runtime, so a stalled migration over TLS may still
 * keep the process waiting.
 *
 * @module
 */
import net from "node:net";

/** The sockets of one client, and how many operations need them now. */
export class PgSockets {
  #sockets = new Set<net.Socket>();
  #busy = 0;
  #connectTimeoutMs: number;

  /** @param connectTimeoutS How long a TCP connect may take. */
  constructor(connectTimeoutS: number) {
    this.#connectTimeoutMs = connectTimeoutS * 1000;
  }

  /**
   * The factory for postgres.js's `socket` option: a connected socket, TCP
   * with Nagle's algorithm off, or the Unix-domain socket postgres.js derives
   * from a host that names a directory (it passes that as `path`).
   *
   * Nagle off: postgres.js leaves it on, so the small message that ends a
   * COPY waits for the server's delayed ACK of the data before it: about
   * 40 ms for every `bulkInsert` chunk (measured: 100 COPYs of 10,000 rows
   * took 6.2 s, against 1.5 s for one).
   *
   * @param host The server's host.
   * @param port Its port.
   * @returns A function postgres.js calls per connection.
   */
  factory(
    host: string,
    port: number,
  ): (options?: { path?: string | false }) => Promise<net.Socket> {
    return (options) =>
      new Promise((resolve, reject) => {
        const path = options?.path;
        const socket = path ? net.connect(path) : net.connect({ host, port });
        if (!path) socket.setNoDelay(true);
        // postgres.js names the TLS server from it (SNI).
        (socket as net.Socket & { host?: string }).host = host;
        const timer = setTimeout(() => {
          socket.destroy();
          reject(
            Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: "ETIMEDOUT" }),
          );
        }, this.#connectTimeoutMs);
        socket.once("connect", () => {
          clearTimeout(timer);
          socket.off("error", reject);
          this.#sockets.add(socket);
          socket.once("close", () => this.#sockets.delete(socket));
          if (this.#busy === 0) socket.unref();
          resolve(socket);
        });
        socket.once("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
  }

  /**
   * Runs `fn` with the sockets referenced (connections made meanwhile stay
   * referenced until it ends).
   *
   * @param fn An operation that talks to the server.
   * @returns What `fn` returns.
   */
  async busy<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#busy++ === 0) { for (const s of this.#sockets) s.ref(); }
    try {
      return await fn();
    } finally {
      if (--this.#busy === 0) { for (const s of this.#sockets) s.unref(); }
    }
  }
}
