/**
 * The migration template, embedded so that the compiled binary and the bundle
 * (which have no `templates/` directory) can render it. Keep it identical to
 * `templates/migration.ts.tmpl`, the human-readable copy; a test checks.
 *
 * Placeholders (see `template.ts`): `"{{name}}"` inside double quotes becomes
 * a string literal (quotes chosen as `deno fmt` would); a bare `{{name}}` is
 * text for a comment, or a whole literal or line; a placeholder alone on its
 * line that renders empty removes the line.
 *
 * @module
 */

/** The text of `templates/migration.ts.tmpl`. */
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
