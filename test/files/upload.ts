/** Test helpers for files: announce, upload and complete through the API, as the web app does. */
import { expect } from "vitest";
import type { Tenant } from "../support/api.ts";
import { created } from "../support/crm-records.ts";

export const FILES = "/api/v1/files";

export type FileRow = {
  id: string;
  recordType: string;
  recordId: string;
  name: string;
  contentType: string;
  size: number;
  status: "pending" | "ready";
};

export type Upload = {
  method: string;
  url: string;
  headers: Record<string, string>;
  expiresInSeconds: number | null;
};

/** A person of `tenant` to attach files to. */
export function aPerson(tenant: Tenant): Promise<{ id: string }> {
  return created(tenant, "/api/v1/people", { firstName: "Ana" });
}

/** Asks for an upload of `content` named `name`; expects 201. */
export async function announce(
  tenant: Tenant,
  file: { recordId: string; name: string; contentType: string; content: string },
): Promise<{ data: FileRow; upload: Upload }> {
  const res = await tenant.call<{ data: FileRow; upload: Upload }>(FILES, {
    method: "POST",
    body: {
      recordType: "person",
      recordId: file.recordId,
      name: file.name,
      contentType: file.contentType,
      size: byteLength(file.content),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Announces, uploads through the Worker and completes a file; answers the ready file. */
export async function attached(
  tenant: Tenant,
  file: { recordId: string; name: string; contentType: string; content: string },
): Promise<FileRow> {
  const { data, upload } = await announce(tenant, file);
  const put = await tenant.call(upload.url, {
    method: "PUT",
    body: file.content,
    headers: upload.headers,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(204);
  const done = await tenant.call<{ data: FileRow }>(`${FILES}/${data.id}/complete`, {
    method: "POST",
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body.data;
}

export function byteLength(content: string): number {
  return new TextEncoder().encode(content).byteLength;
}
