/**
 * Regression tests for input a newcomer used to turn into 500s or surprises: NUL and unpaired
 * surrogates, edited list cursors, bodies that are not JSON or too large, and a mistyped code or
 * password logging the user out.
 */
import { describe, expect, it } from "vitest";
import { api, newTenant } from "../support/api.ts";
import { newTenantSpeaking } from "../support/members.ts";

type ApiError = { error: { code: string; details?: { path: string }[] } };

describe("strings Postgres cannot store", () => {
  it.each([
    ["a NUL", "Nul\u0000Char"],
    ["an unpaired surrogate", "Lone\ud800x"],
  ])("are refused on their field with 400 when the body holds %s", async (_what, value) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/people", {
      method: "POST",
      body: { firstName: value },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: "firstName" })]);
  });

  it("are refused inside custom field values and before sign-in", async () => {
    const tenant = await newTenant();
    const custom = await tenant.call<ApiError>("/api/v1/people", {
      method: "POST",
      body: { firstName: "Ana", custom: { origem: "a\u0000b" } },
    });
    const register = await api<ApiError>("/api/v1/auth/register", {
      method: "POST",
      body: {
        organisationName: "O\u0000",
        email: "nul@example.com",
        password: "senha-forte-nul-1",
      },
    });

    expect([custom.status, register.status]).toEqual([400, 400]);
    expect(register.body.error.details).toEqual([
      expect.objectContaining({ path: "organisationName" }),
    ]);
  });

  it("are refused in a query string", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/search?q=ab%00cd");

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });
});

describe("an edited list cursor", () => {
  it.each([
    ["a value that is no timestamp", ["not a date"]],
    ["a timestamp out of range", ["9999999-01-01"]],
  ])("holding %s answers 400, not 500", async (_what, k) => {
    const tenant = await newTenant();
    const cursor = btoa(JSON.stringify({ s: "created:desc", k, i: crypto.randomUUID() }))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");

    const res = await tenant.call<ApiError>(`/api/v1/people?sort=created&cursor=${cursor}`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });
});

describe("request bodies", () => {
  it.each([
    ["application/x-www-form-urlencoded", "firstName=Ana"],
    ["text/plain", '{"firstName":"Ana"}'],
  ])("sent as %s to a JSON route answer 415", async (type, body) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/people", {
      method: "POST",
      headers: { "content-type": type },
      body,
    });

    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("over 1 MiB answer 413 before anything reads them, also without a session", async () => {
    const big = JSON.stringify({ email: "a@example.com", password: "x".repeat(2 * 1024 * 1024) });

    const res = await api<ApiError>("/api/v1/auth/login", { method: "POST", body: big });

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("a 401 for a mistyped secret", () => {
  it("keeps the live session's cookie", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>("/api/v1/auth/password", {
      method: "POST",
      body: { currentPassword: "not-my-password", newPassword: "uma-senha-nova-e-longa" },
    });

    expect(res.status).toBe(401);
    expect(res.setCookie ?? "").not.toMatch(/__Host-gallo_session=;/);
    expect((await tenant.call("/api/v1/auth/me")).status).toBe(200);
  });
});

describe("an organisation signed up in Portugal's Portuguese", () => {
  it("reads phones and tax ids as Portuguese and counts days in Lisbon", async () => {
    const tenant = await newTenantSpeaking("pt-PT");

    const settings = await tenant.call<{ region: string; timezone: string }>(
      "/api/v1/organisation/settings",
    );
    const person = await tenant.call<{ data: { phones: { e164: string }[] } }>("/api/v1/people", {
      method: "POST",
      body: { firstName: "Tomás", phones: ["912 345 678"] },
    });

    expect(settings.body).toMatchObject({ region: "PT", timezone: "Europe/Lisbon" });
    expect(person.status).toBe(201);
    expect(person.body.data.phones[0]?.e164).toMatch(/^\+351/);
  });

  it("can be moved to another region, language and time zone by an admin", async () => {
    const tenant = await newTenant();

    const res = await tenant.call<{ region: string; timezone: string }>(
      "/api/v1/organisation/settings",
      { method: "PATCH", body: { region: "PT", locale: "pt-PT", timezone: "Europe/Lisbon" } },
    );
    const bad = await tenant.call<ApiError>("/api/v1/organisation/settings", {
      method: "PATCH",
      body: { timezone: "Mars/Olympus_Mons" },
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ region: "PT", timezone: "Europe/Lisbon" });
    expect(bad.status).toBe(400);
  });
});
