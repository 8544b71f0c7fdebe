/**
 * The promise of EU data residency for files, held by configuration: the FILES bucket is declared
 * in the EU jurisdiction, and presigned URLs go to the EU jurisdiction's S3 endpoint. Either one
 * changing must fail here, not in production.
 */

import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { FILES_BUCKET, r2EuEndpoint } from "../../src/files/storage.ts";

type Bucket = { binding: string; bucket_name?: string; jurisdiction?: string };

/** The R2 buckets wrangler.toml declares, as wrangler itself reads them. */
function buckets(): Bucket[] {
  return unstable_readConfig({ config: "wrangler.toml" }).r2_buckets as Bucket[];
}

describe("file storage configuration", () => {
  it("declares the FILES bucket in the EU jurisdiction, under the name presigned URLs use", () => {
    const bucket = buckets().find((b) => b.binding === "FILES");

    expect(bucket).toMatchObject({ bucket_name: FILES_BUCKET, jurisdiction: "eu" });
  });

  it("declares no other R2 bucket outside the EU jurisdiction", () => {
    expect(buckets().filter((b) => b.jurisdiction !== "eu")).toEqual([]);
  });

  it("makes presigned URLs on the EU jurisdiction's S3 endpoint of the account", () => {
    const endpoint = new URL(r2EuEndpoint("0123456789abcdef0123456789abcdef"));

    expect(endpoint.protocol).toBe("https:");
    expect(endpoint.host).toBe("0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com");
  });
});
