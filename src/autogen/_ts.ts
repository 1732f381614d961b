/**
 * A tiny TypeScript writer for generated migrations: values as a tree, laid
 * out as `deno fmt` lays them out (one line when it fits, otherwise one item
 * a line with trailing commas, a call's last argument hugged when only it
 * breaks). Private to `src/autogen/`.
 *
 * @module
 */

/** A piece of code: text that is never split, an object literal, or an array literal. */
export type Node =
  | { readonly t: "raw"; readonly text: string }
  | { readonly t: "obj"; readonly entries: readonly (readonly [string, Node])[] }
  | { readonly t: "arr"; readonly items: readonly Node[] };

/** Text written as is. */
export const raw = (text: string): Node => ({ t: "raw", text });

/**
 * A string literal as `deno fmt` writes it: double quotes unless single
 * quotes need fewer escapes.
 *
 * @param value The string.
 * @returns The literal.
 */
export function jsString(value: string): string {
  const json = JSON.stringify(value);
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return json;
  return `'${json.slice(1, -1).replace(/\\"|'/g, (m) => (m === "'" ? "\\'" : '"'))}'`;
}

/** A string literal node. */
export const str = (value: string): Node => raw(jsString(value));

/** An array of string literals. */
export const strs = (values: readonly string[]): Node => ({ t: "arr", items: values.map(str) });

/** An object literal from entries, skipping `undefined` values. */
export function obj(entries: readonly (readonly [string, Node | undefined])[]): Node {
  return {
    t: "obj",
    entries: entries.filter((e): e is readonly [string, Node] => e[1] !== undefined),
  };
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function key(name: string): string {
  return IDENT.test(name) ? name : jsString(name);
}

/** The node on one line. */
export function flat(node: Node): string {
  switch (node.t) {
    case "raw":
      return node.text;
    case "arr":
      return `[${node.items.map(flat).join(", ")}]`;
    case "obj":
      return node.entries.length === 0
        ? "{}"
        : `{ ${node.entries.map(([k, v]) => `${key(k)}: ${flat(v)}`).join(", ")} }`;
  }
}

/**
 * Lays a node out starting at column `start` of a line indented `indent`.
 *
 * @param node The node.
 * @param indent Indentation of the line the node starts on.
 * @param start Column the node starts at.
 * @param after Characters that follow the node on its last line (`,`, `);`).
 * @param width Line width.
 * @returns The text (multi-line when it does not fit).
 */
export function layout(
  node: Node,
  indent: number,
  start: number,
  after: number,
  width: number,
): string {
  const one = flat(node);
  if (start + one.length + after <= width || node.t === "raw") return one;
  const inner = indent + 2;
  const pad = " ".repeat(inner);
  const lines = node.t === "arr"
    ? node.items.map((item) => `${pad}${layout(item, inner, inner, 1, width)},`)
    : node.entries.map(([k, v]) => {
      const head = `${key(k)}: `;
      return `${pad}${head}${layout(v, inner, inner + head.length, 1, width)},`;
    });
  const [open, close] = node.t === "arr" ? ["[", "]"] : ["{", "}"];
  return `${open}\n${lines.join("\n")}\n${" ".repeat(indent)}${close}`;
}

/**
 * Writes `await op.NAME(args);` at indentation 0: on one line when it fits;
 * else with the last argument broken over lines when everything before it
 * fits on the first line; else one argument a line.
 *
 * @param name The op method.
 * @param args Its arguments.
 * @param width Line width.
 * @returns The statement.
 */
export function call(name: string, args: readonly Node[], width: number): string {
  const head = `await op.${name}(`;
  const one = `${head}${args.map(flat).join(", ")});`;
  if (one.length <= width) return one;
  const last = args[args.length - 1];
  const before = args.slice(0, -1).map(flat);
  const prefix = `${head}${before.map((b) => `${b}, `).join("")}`;
  if (last && last.t !== "raw" && prefix.length + 1 <= width) {
    const body = layout(last, 0, prefix.length, 2, width);
    if (body.includes("\n")) return `${prefix}${body});`;
  }
  const lines = args.map((a) => `  ${layout(a, 2, 2, 1, width)},`);
  return `${head}\n${lines.join("\n")}\n);`;
}

/**
 * Writes a comment as `//` lines no wider than `width` (words are not split).
 *
 * @param text The comment.
 * @param width Line width.
 * @returns The lines.
 */
export function comment(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "//";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "//" && line.length + 1 + word.length > width) {
      out.push(line);
      line = "//  ";
      line += word;
    } else line += ` ${word}`;
  }
  out.push(line);
  return out;
}
