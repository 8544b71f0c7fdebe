/**
 * With R2 credentials configured (production), asking for an upload answers a presigned PUT URL
 * on the EU jurisdiction's endpoint, valid for minutes, whose signature covers the announced
 * Content-Length and Content-Type. Checked by signing the same request again: the same inputs
 * give the same signature, another length or type a different one.
 */

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { app } from "../../src/index.ts";
import { newTenant, ORIGIN, randomClientIp, type Tenant } from "../support/api.ts";
import { aPerson, type FileRow, type Upload } from "./upload.ts";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const R2 = {
  R2_ACCOUNT_ID: ACCOUNT,
  R2_ACCESS_KEY_ID: "test-access-key-id",
  R2_SECRET_ACCESS_KEY: "test-secret-access-key-0123456789",
};

describe("POST /api/v1/files with R2 credentials configured", () => {
  it("answers a presigned PUT URL on the EU endpoint, for the server-made key", async () => {
    const tenant = await newTenant();
    const { data, upload } = await askForUpload(tenant, {
      contentType: "application/pdf",
      size: 2048,
    });

    const url = new URL(upload.url);

    expect(upload.method).toBe("PUT");
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe(`${ACCOUNT}.eu.r2.cloudflarestorage.com`);
    expect(url.pathname).toBe(`/gallo-crm-files/${tenant.orgId}/${data.id}`);
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^test-access-key-id\/\d{8}\/auto\/s3\/aws4_request$/,
    );
  });

  it("expires within minutes", async () => {
    const tenant = await newTenant();
    const { upload } = await askForUpload(tenant, { contentType: "application/pdf", size: 2048 });

    const expires = Number(new URL(upload.url).searchParams.get("X-Amz-Expires"));

    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(600);
    expect(upload.expiresInSeconds).toBe(expires);
  });

  it("signs the announced Content-Length and Content-Type, and tells the browser to send them", async () => {
    const tenant = await newTenant();
    const { upload } = await askForUpload(tenant, { contentType: "image/png", size: 2048 });

    const url = new URL(upload.url);
    const signed = url.searchParams.get("X-Amz-SignedHeaders")?.split(";");

    expect(signed).toEqual(expect.arrayContaining(["content-length", "content-type", "host"]));
    expect(upload.headers).toEqual({ "content-length": "2048", "content-type": "image/png" });
  });

  it.each([
    { change: "nothing", length: "2048", type: "image/png", same: true },
    { change: "the length", length: "2049", type: "image/png", same: false },
    { change: "the type", length: "2048", type: "text/html", same: false },
  ])("gives a signature that changes when $change changes", async ({ length, type, same }) => {
    const tenant = await newTenant();
    const { upload } = await askForUpload(tenant, { contentType: "image/png", size: 2048 });
    const url = new URL(upload.url);
    const signature = url.searchParams.get("X-Amz-Signature");

    const resigned = await signatureOf(url, { "content-length": length, "content-type": type });

    expect(resigned === signature).toBe(same);
  });
});

/** Asks for an upload as `tenant`, with the R2 credentials added to the test bindings. */
async function askForUpload(
  tenant: Tenant,
  file: { contentType: string; size: number },
): Promise<{ data: FileRow; upload: Upload }> {
  const person = await aPerson(tenant);
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`${ORIGIN}/api/v1/files`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: tenant.cookie,
        "x-csrf-token": tenant.csrfToken,
        "cf-connecting-ip": randomClientIp(),
      },
      body: JSON.stringify({ recordType: "person", recordId: person.id, name: "x", ...file }),
    }),
    { ...(env as unknown as Bindings), ...R2 },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(201);
  return (await response.json()) as { data: FileRow; upload: Upload };
}

/** The signature of the same presigned request (same date and expiry) with `headers`. */
async function signatureOf(url: URL, headers: Record<string, string>): Promise<string | null> {
  const unsigned = new URL(url);
  const datetime = unsigned.searchParams.get("X-Amz-Date") ?? "";
  for (const name of [...unsigned.searchParams.keys()]) {
    if (name !== "X-Amz-Expires") unsigned.searchParams.delete(name);
  }
  const signer = new AwsV4Signer({
    method: "PUT",
    url: unsigned.toString(),
    headers,
    accessKeyId: R2.R2_ACCESS_KEY_ID,
    secretAccessKey: R2.R2_SECRET_ACCESS_KEY,
    service: "s3",
    region: "auto",
    datetime,
    signQuery: true,
    allHeaders: true,
  });
  const signed = await signer.sign();
  return signed.url.searchParams.get("X-Amz-Signature");
}
