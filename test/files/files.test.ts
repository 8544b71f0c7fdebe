/**
 * Files through the front door, against miniflare's local R2 binding: the upload round trip,
 * what an upload may be, what completion checks, how downloads are served, deletion, and that
 * one organisation never reaches another's files.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newTenant } from "../support/api.ts";
import { timelineOf } from "../support/crm-records.ts";
import { announce, aPerson, attached, byteLength, FILES, type FileRow } from "./upload.ts";

const PDF = "%PDF-1.4 proposta comercial";

describe("uploading and downloading a file", () => {
  it("keeps a non-ASCII name through upload, listing and download (RFC 5987)", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const file = await attached(tenant, {
      recordId: person.id,
      name: "Proposta – São Paulo.pdf",
      contentType: "application/pdf",
      content: PDF,
    });
    const list = await tenant.call<{ data: FileRow[] }>(
      `${FILES}?recordType=person&recordId=${person.id}`,
    );
    const download = await tenant.call<string>(`${FILES}/${file.id}/download`);

    expect(file).toMatchObject({ name: "Proposta – São Paulo.pdf", status: "ready" });
    expect(list.body.data.map((f) => f.name)).toEqual(["Proposta – São Paulo.pdf"]);
    expect(download.status).toBe(200);
    expect(download.body).toBe(PDF);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="Proposta _ Sao Paulo.pdf"; filename*=UTF-8''Proposta%20%E2%80%93%20S%C3%A3o%20Paulo.pdf`,
    );
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("stores the object under the organisation's prefix and the file's id", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const file = await attached(tenant, {
      recordId: person.id,
      name: "a.txt",
      contentType: "text/plain",
      content: "olá",
    });

    const object = await env.FILES.head(`${tenant.orgId}/${file.id}`);
    expect(object?.size).toBe(byteLength("olá"));
  });

  it("notes the file on the record's timeline and audits the download", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const file = await attached(tenant, {
      recordId: person.id,
      name: "contrato.pdf",
      contentType: "application/pdf",
      content: PDF,
    });
    await tenant.call(`${FILES}/${file.id}/download`);

    const timeline = await timelineOf(tenant, `/api/v1/people/${person.id}`);
    expect(timeline.map((e) => e.kind)).toContain("file_added");
    const audit = await tenant.call<{ data: { action: string; targetId: string }[] }>(
      "/api/v1/audit?action=file.downloaded",
    );
    expect(audit.body.data.map((e) => e.targetId)).toContain(file.id);
  });

  it.each([
    { given: "a/../b\\c.pdf", stored: "a_.._b_c.pdf" },
    { given: "  .hidden\u0007name.txt ", stored: "hiddenname.txt" },
    { given: "nota\u202efdp.exe.txt", stored: "notafdp.exe.txt" },
  ])("cleans the name $given", async ({ given, stored }) => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const { data } = await announce(tenant, {
      recordId: person.id,
      name: given,
      contentType: "text/plain",
      content: "x",
    });

    expect(data.name).toBe(stored);
  });
});

describe("POST /api/v1/files", () => {
  it.each([
    { contentType: "text/html" },
    { contentType: "image/svg+xml" },
    { contentType: "application/javascript" },
    { contentType: "application/octet-stream" },
    { contentType: "application/zip" },
  ])("refuses the content type $contentType with 415", async ({ contentType }) => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const res = await tenant.call<{ error: { code: string } }>(FILES, {
      method: "POST",
      body: { recordType: "person", recordId: person.id, name: "x", contentType, size: 10 },
    });

    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("FILE_TYPE_NOT_ALLOWED");
  });

  it("accepts a content type with parameters and odd casing, and stores its essence", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const { data, upload } = await announce(tenant, {
      recordId: person.id,
      name: "lista.csv",
      contentType: "Text/CSV; charset=UTF-8",
      content: "a,b",
    });

    expect(data.contentType).toBe("text/csv");
    expect(upload).toEqual({
      method: "PUT",
      url: `/api/v1/files/${data.id}/content`,
      headers: { "content-type": "text/csv" },
      expiresInSeconds: null,
    });
  });

  it("refuses a size over the limit with 413", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const res = await tenant.call<{ error: { code: string } }>(FILES, {
      method: "POST",
      body: {
        recordType: "person",
        recordId: person.id,
        name: "grande.pdf",
        contentType: "application/pdf",
        size: Number(env.FILE_MAX_BYTES) + 1,
      },
    });

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("FILE_TOO_LARGE");
  });

  it.each([
    { field: "objectKey", value: "other-org/secret" },
    { field: "orgId", value: crypto.randomUUID() },
    { field: "status", value: "ready" },
  ])("refuses a body carrying $field", async ({ field, value }) => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);

    const res = await tenant.call(FILES, {
      method: "POST",
      body: {
        recordType: "person",
        recordId: person.id,
        name: "a.pdf",
        contentType: "application/pdf",
        size: 1,
        [field]: value,
      },
    });

    expect(res.status).toBe(400);
  });
});

describe("completing an upload", () => {
  it("refuses with 409 when the object is not the announced size, and keeps it pending", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);
    const { data } = await announce(tenant, {
      recordId: person.id,
      name: "a.pdf",
      contentType: "application/pdf",
      content: PDF,
    });
    // Written behind the API's back: as if a client had uploaded something else.
    await env.FILES.put(`${tenant.orgId}/${data.id}`, `${PDF} e mais`, {
      httpMetadata: { contentType: "application/pdf" },
    });

    const done = await tenant.call<{ error: { code: string } }>(`${FILES}/${data.id}/complete`, {
      method: "POST",
    });
    const list = await tenant.call<{ data: FileRow[] }>(
      `${FILES}?recordType=person&recordId=${person.id}`,
    );

    expect(done.status).toBe(409);
    expect(done.body.error.code).toBe("FILE_UPLOAD_MISMATCH");
    expect(list.body.data).toEqual([]);
    expect(await env.FILES.head(`${tenant.orgId}/${data.id}`)).toBeNull();
  });

  it("refuses with 409 when the object has another content type", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);
    const { data } = await announce(tenant, {
      recordId: person.id,
      name: "a.pdf",
      contentType: "application/pdf",
      content: PDF,
    });
    await env.FILES.put(`${tenant.orgId}/${data.id}`, PDF, {
      httpMetadata: { contentType: "text/html" },
    });

    const done = await tenant.call(`${FILES}/${data.id}/complete`, { method: "POST" });

    expect(done.status).toBe(409);
  });

  it("refuses with 409 when nothing was uploaded", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);
    const { data } = await announce(tenant, {
      recordId: person.id,
      name: "a.pdf",
      contentType: "application/pdf",
      content: PDF,
    });

    const done = await tenant.call(`${FILES}/${data.id}/complete`, { method: "POST" });

    expect(done.status).toBe(409);
  });

  it("refuses an upload through the Worker of another length than announced", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);
    const { data, upload } = await announce(tenant, {
      recordId: person.id,
      name: "a.pdf",
      contentType: "application/pdf",
      content: PDF,
    });

    const put = await tenant.call(upload.url, {
      method: "PUT",
      body: `${PDF} e mais`,
      headers: upload.headers,
    });

    expect(put.status).toBe(409);
    expect(await env.FILES.head(`${tenant.orgId}/${data.id}`)).toBeNull();
  });
});

describe("deleting a file", () => {
  it("removes the object, the listing entry and the download", async () => {
    const tenant = await newTenant();
    const person = await aPerson(tenant);
    const file = await attached(tenant, {
      recordId: person.id,
      name: "a.pdf",
      contentType: "application/pdf",
      content: PDF,
    });

    const res = await tenant.call(`${FILES}/${file.id}`, { method: "DELETE" });
    const download = await tenant.call(`${FILES}/${file.id}/download`);

    expect(res.status).toBe(204);
    expect(download.status).toBe(404);
    expect(await env.FILES.head(`${tenant.orgId}/${file.id}`)).toBeNull();
  });
});

describe("another organisation's file", () => {
  it.each([
    { route: "GET download", method: "GET", path: (id: string) => `${FILES}/${id}/download` },
    { route: "POST complete", method: "POST", path: (id: string) => `${FILES}/${id}/complete` },
    { route: "PUT content", method: "PUT", path: (id: string) => `${FILES}/${id}/content` },
    { route: "DELETE", method: "DELETE", path: (id: string) => `${FILES}/${id}` },
  ])("answers 404 to $route and stays intact", async ({ method, path }) => {
    const [owner, intruder] = await Promise.all([newTenant("A"), newTenant("B")]);
    const person = await aPerson(owner);
    const file = await attached(owner, {
      recordId: person.id,
      name: "segredo.pdf",
      contentType: "application/pdf",
      content: PDF,
    });

    const res = await intruder.call<{ error: { code: string } }>(path(file.id), {
      method,
      ...(method === "PUT" ? { body: "x", headers: { "content-type": "application/pdf" } } : {}),
    });
    const download = await owner.call<string>(`${FILES}/${file.id}/download`);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(download.body).toBe(PDF);
  });

  it("is not listed, even naming the other organisation's record", async () => {
    const [owner, intruder] = await Promise.all([newTenant("A"), newTenant("B")]);
    const person = await aPerson(owner);
    await attached(owner, {
      recordId: person.id,
      name: "segredo.pdf",
      contentType: "application/pdf",
      content: PDF,
    });

    const list = await intruder.call<{ data: FileRow[] }>(
      `${FILES}?recordType=person&recordId=${person.id}`,
    );

    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
  });

  it("cannot get an upload attached to another organisation's record", async () => {
    const [owner, intruder] = await Promise.all([newTenant("A"), newTenant("B")]);
    const person = await aPerson(owner);

    const res = await intruder.call<{ error: { code: string; details: { path: string }[] } }>(
      FILES,
      {
        method: "POST",
        body: {
          recordType: "person",
          recordId: person.id,
          name: "a.pdf",
          contentType: "application/pdf",
          size: 10,
        },
      },
    );

    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d) => d.path)).toEqual(["recordId"]);
  });
});
