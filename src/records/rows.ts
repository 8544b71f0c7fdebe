/** Reading what a batch answered. */
import { AppError } from "../lib/errors.ts";

/** The single row a statement found, or 404 NOT_FOUND. */
export function one<Row>(rows: Row[]): Row {
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}
