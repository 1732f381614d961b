// `deno bench src/script/checksum_bench.ts`: what discovery pays to checksum
// 1,000 migration files of about 1 KB, already read, with LF and with CRLF line
// ends (CRLF text is normalized and also checksummed raw for old history rows).
import { sourceChecksums } from "./checksum.ts";

const BODY = Array.from(
  { length: 30 },
  (_, i) => `  await op.addColumn("t${i}", "c${i}", { type: "text", nullable: true });`,
).join("\n");
const LF = Array.from(
  { length: 1000 },
  (_, i) =>
    `export const revision = "r${i}";\nexport const downRevision = null;\n` +
    `export async function upgrade(op) {\n${BODY}\n}\n`,
);
const CRLF = LF.map((t) => t.replaceAll("\n", "\r\n"));

Deno.bench("sourceChecksums() of 1,000 LF files", { baseline: true }, () => {
  for (const t of LF) sourceChecksums(t);
});

Deno.bench("sourceChecksums() of 1,000 CRLF files", () => {
  for (const t of CRLF) sourceChecksums(t);
});
