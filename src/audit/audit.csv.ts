/**
 * The CSV export of audit entries: UTF-8 with a byte-order mark (so Excel reads accents right),
 * a header row, CRLF line ends (RFC 4180), and no cell that a spreadsheet would run as a formula.
 */
import type { AuditEntryRow } from "./audit.queries.ts";

const HEADER = [
  "seq",
  "created_at",
  "actor_user_id",
  "actor_email",
  "action",
  "target_type",
  "target_id",
  "summary",
  "ip",
  "user_agent",
  "request_id",
  "prev_hash",
  "hash",
];

/** The whole file, header first, entries in the order given. */
export function auditCsv(rows: readonly AuditEntryRow[]): string {
  const lines = [HEADER, ...rows.map(cellsOf)].map((cells) => cells.map(csvCell).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/**
 * One cell. A value starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
 * apostrophe, so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it
 * (actions, user agents and summaries can hold what a caller typed). Quoted when it holds a
 * quote, a separator (`,`, or `;` for locales that split on it) or a line break.
 */
export function csvCell(value: string | null): string {
  if (value === null) return "";
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellsOf(row: AuditEntryRow): (string | null)[] {
  return [
    String(row.seq),
    new Date(row.createdAt).toISOString(),
    row.actorUserId,
    row.actorEmail,
    row.action,
    row.targetType,
    row.targetId,
    JSON.stringify(row.summary),
    row.ip,
    row.userAgent,
    row.requestId,
    row.prevHash,
    row.hash,
  ];
}
