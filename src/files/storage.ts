/**
 * Where files are kept: the FILES R2 bucket, in the EU jurisdiction. The Worker reaches it through
 * the binding; browsers upload to it by presigned PUT URL made against the EU jurisdiction's S3
 * endpoint, which is the only one that serves an EU bucket (the global endpoint answers that the
 * bucket does not exist), so a URL made for the wrong endpoint could never leak data elsewhere,
 * but would break uploads.
 */
import { AwsClient } from "aws4fetch";
import type { Bindings } from "../env.ts";

/** The FILES binding's bucket_name in wrangler.toml (test/files/storage-config.node.test.ts). */
export const FILES_BUCKET = "gallo-crm-files";

/** How long a presigned upload URL is valid. Short: it is used at once, by the page that asked. */
export const UPLOAD_URL_SECONDS = 300;

/** The S3 API endpoint of R2's EU jurisdiction for `accountId`. */
export function r2EuEndpoint(accountId: string): string {
  return `https://${accountId}.eu.r2.cloudflarestorage.com`;
}

/** The server-made object key: organisation prefix, then the file's random id. */
export function objectKeyOf(orgId: string, fileId: string): string {
  return `${orgId}/${fileId}`;
}

type PresignCredentials = { accountId: string; accessKeyId: string; secretAccessKey: string };

/** The R2 credentials for presigned URLs, or undefined when any of them is not configured. */
export function presignCredentials(env: Bindings): PresignCredentials | undefined {
  const accountId = env.R2_ACCOUNT_ID?.trim();
  const accessKeyId = env.R2_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.R2_SECRET_ACCESS_KEY?.trim();
  if (!accountId || !accessKeyId || !secretAccessKey) return undefined;
  return { accountId, accessKeyId, secretAccessKey };
}

/**
 * A presigned PUT URL for `key` valid for `UPLOAD_URL_SECONDS`, whose signature covers the
 * Content-Length and Content-Type headers: R2 refuses an upload of another size or type.
 *
 * @returns the URL and the headers the browser must send with it
 */
export async function presignedUpload(
  credentials: PresignCredentials,
  upload: { key: string; size: number; contentType: string },
): Promise<{ url: string; headers: Record<string, string> }> {
  const client = new AwsClient({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    service: "s3",
    region: "auto",
  });
  const url = new URL(
    `${r2EuEndpoint(credentials.accountId)}/${FILES_BUCKET}/${encodeKey(upload.key)}`,
  );
  url.searchParams.set("X-Amz-Expires", String(UPLOAD_URL_SECONDS));
  const headers = { "content-length": String(upload.size), "content-type": upload.contentType };
  // allHeaders: aws4fetch leaves content-length out of the signature by default.
  const signed = await client.sign(url.toString(), {
    method: "PUT",
    headers,
    aws: { signQuery: true, allHeaders: true },
  });
  return { url: signed.url, headers };
}

function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}
