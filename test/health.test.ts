import { describe, expect, it } from "vitest";
import { api } from "./support/api.ts";

describe("GET /health", () => {
  it("answers ok when the database is reachable and safe", async () => {
    const res = await api("/health");

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", database: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it.each(["/nope", "/api/v1/nope", "/api/v1/auth/nope"])(
    "answers the unknown path %s with the error shape and 404",
    async (path) => {
      const res = await api<{ error: { code: string; requestId: string } }>(path);

      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
      expect(res.body.error.requestId).toBe(res.headers.get("x-request-id"));
    },
  );
});
