/**
 * The migration template, the one copy: embedded as a string so that the
 * compiled binary and the bundle, which carry no data files, can render it.
 *
 * Placeholders (see `template.ts`): `"{{name}}"` inside double quotes becomes
 * a string literal (quotes chosen as `deno fmt` would); a bare `{{name}}` is
 * text for a comment, or a whole literal or line; a placeholder alone on its
 * line that renders empty removes the line.
 *
 * @module
 */

/** The template's text, with `{{name}}` placeholders. */
export const MIGRATION_TEMPLATE = `/**
 * {{message}}
 *
 * Revision ID: {{revision}}
 * Revises: {{revises}}
 * Create Date: {{createDate}}
 */
{{lintIgnore}}
import type { Op } from "{{opImport}}";

export const revision = "{{revision}}";
export const downRevision: string | string[] | null = {{downRevision}};
export const message = "{{message}}";
{{branchLabels}}
{{dependsOn}}
{{transactional}}

export async function upgrade(op: Op): Promise<void> {
{{upgradeBody}}
}

export async function downgrade(op: Op): Promise<void> {
{{downgradeBody}}
}
`;
