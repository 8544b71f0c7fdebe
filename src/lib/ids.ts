/**
 * Identifiers. Records use UUIDv7 (time-ordered, so keyset pagination by id follows creation
 * order); request ids carry a `req_` prefix so a log line says what it names.
 */
import { v7 as uuidv7 } from "uuid";

export function newId(): string {
  return uuidv7();
}

export function newRequestId(): string {
  return `req_${uuidv7().replaceAll("-", "")}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
