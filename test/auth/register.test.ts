/**
 * Sign-up with email verification: POST /register answers the same for every email and only
 * sends a message; POST /register/confirm, with the token of the emailed link, creates the
 * organisation, its owner and a session, once.
 */
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { api, cookieFrom, emailsTo, linkToken, newTenant, signUp } from "../support/api.ts";
import { asOwner } from "../support/db.ts";

type ApiError = {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
};
type Confirmed = {
  user: { id: string; email: string };
  organisation: { id: string; name: string };
  role: string;
  csrfToken: string;
};
type Me = { organisations: { id: string }[] };

describe("POST /api/v1/auth/register", () => {
  it("answers 202 with the same body for a new email and for one that has an account", async () => {
    const existing = await newTenant();
    const emailsBefore = (await emailsTo(existing.email)).length;

    const fresh = await register(newEmail(), "senha-forte-123");
    const taken = await register(existing.email, "outra-senha-456");

    expect(fresh.status).toBe(202);
    expect(taken.status).toBe(202);
    expect(taken.body).toEqual(fresh.body);
    expect(taken.setCookie).toBeNull();
    expect(fresh.setCookie).toBeNull();
    // The owner of the account hears about the attempt, and gets no sign-up link.
    const emails = await emailsTo(existing.email);
    expect(emails).toHaveLength(emailsBefore + 1);
    expect(emails[0]?.subject).toBe("You already have a Gallo CRM account");
    expect(emails[0]?.text).not.toMatch(/verify-email/);
    expect(emails[0]?.text).toMatch(/\/login/);
  });

  it.each([
    { variant: "the same email", change: (email: string) => email },
    { variant: "the email in another case", change: (email: string) => email.toUpperCase() },
    { variant: "the email with spaces around it", change: (email: string) => `  ${email} ` },
  ])(
    "changes nothing about an existing account when $variant signs up again",
    async ({ change }) => {
      const existing = await newTenant();

      const res = await register(change(existing.email), "outra-senha-456");

      expect(res.status).toBe(202);
      expect((await emailsTo(existing.email))[0]?.subject).toBe(
        "You already have a Gallo CRM account",
      );
      expect((await login(existing.email, "outra-senha-456")).status).toBe(401);
      expect((await login(existing.email, existing.password)).status).toBe(200);
    },
  );

  it("creates nothing until the emailed link is followed", async () => {
    const email = newEmail();

    const res = await register(email, "senha-forte-123");

    expect(res.status).toBe(202);
    const early = await login(email, "senha-forte-123");
    expect(early.status).toBe(401);
    expect((early.body as ApiError).error.code).toBe("INVALID_CREDENTIALS");
    const users = await asOwner().query("select count(*)::int as n from users where email = $1", [
      email,
    ]);
    expect(users.rows[0]?.n).toBe(0);
    // The same login works once the link is followed: what refused it was the missing account.
    expect((await confirm(await linkToken(email, "/verify-email"))).status).toBe(201);
    expect((await login(email, "senha-forte-123")).status).toBe(200);
  });

  it.each([
    { problem: "the password is shorter than 8 characters", body: { password: "curta" } },
    { problem: "the email is invalid", body: { email: "nobody" } },
    { problem: "an unknown field is sent", body: { role: "admin" } },
  ])("answers 400 VALIDATION_FAILED and sends nothing when $problem", async ({ body }) => {
    const email = newEmail();

    const res = await api<ApiError>("/api/v1/auth/register", {
      method: "POST",
      body: { organisationName: "Org", email, password: "senha-forte-123", ...body },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.setCookie).toBeNull();
    expect(await emailsTo(email)).toEqual([]);
  });
});

describe("passwords chosen at sign-up", () => {
  it.each(["password123", "qwertyuiop", "Password123"])(
    "refuses the common password %j with 400 and a detail on password",
    async (password) => {
      const email = newEmail();

      const res = await register(email, password);

      expect(res.status).toBe(400);
      const error = (res.body as ApiError).error;
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details?.map((d) => d.path)).toEqual(["password"]);
      expect(await emailsTo(email)).toEqual([]);
    },
  );

  it.each([
    { what: "7 accented characters", password: "áéíóúãç", status: 400 },
    // macOS may send "ã" as "a" + a combining tilde: still one character.
    {
      what: "7 accented characters, decomposed (NFD)",
      password: "áéíóúãç".normalize("NFD"),
      status: 400,
    },
    { what: "8 accented characters", password: "áéíóúãçõ", status: 202 },
  ])(
    "counts characters, not bytes or code points: $what → $status",
    async ({ password, status }) => {
      // Bytes would pass both: every one of these is at least 14 bytes in UTF-8.
      expect(new TextEncoder().encode(password).length).toBeGreaterThanOrEqual(14);

      const res = await register(newEmail(), password);

      expect(res.status).toBe(status);
      if (status === 400) {
        expect((res.body as ApiError).error.details?.map((d) => d.path)).toEqual(["password"]);
      }
    },
  );

  it("accepts a 64-character passphrase of more than 72 bytes, and no other password sharing its first 72 bytes", async () => {
    const passphrase = "às-três-da-manhã-o-joão-já-comia-pão-de-queijo-ação-no-coração-1";
    const sibling = `${passphrase.slice(0, -1)}2`;
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect([...passphrase]).toHaveLength(64);
    expect(bytes(passphrase).length).toBeGreaterThan(72);
    // bcrypt alone reads only 72 bytes: with these, a bare bcrypt would accept the sibling.
    expect(bytes(sibling).slice(0, 72)).toEqual(bytes(passphrase).slice(0, 72));
    const email = newEmail();

    await signUp({ organisationName: "Padaria", email, password: passphrase });

    expect((await login(email, sibling)).status).toBe(401);
    expect((await login(email, passphrase)).status).toBe(200);
  });
});

describe("POST /api/v1/auth/register/confirm", () => {
  it("creates the organisation with the user as its owner, logged in", async () => {
    const email = newEmail();
    await register(email, "senha-forte-123", "Padaria Central");

    const res = await confirm(await linkToken(email, "/verify-email"));

    expect(res.status).toBe(201);
    const body = res.body as Confirmed;
    expect(body).toEqual({
      user: { id: expect.any(String), email },
      organisation: { id: expect.any(String), name: "Padaria Central" },
      role: "owner",
      csrfToken: expect.any(String),
    });
    const me = await api<Confirmed & Me>("/api/v1/auth/me", { cookie: cookieFrom(res.setCookie) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: body.user,
      organisation: body.organisation,
      role: "owner",
      csrfToken: body.csrfToken,
    });
  });

  it("sets a __Host- session cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", async () => {
    const email = newEmail();
    await register(email, "senha-forte-123");

    const res = await confirm(await linkToken(email, "/verify-email"));

    expect(res.status).toBe(201);
    const [pair = "", ...attributes] = (res.setCookie ?? "").split(";").map((p) => p.trim());
    expect(pair).toMatch(/^__Host-gallo_session=[\w-]+\.[\w-]+\.[\w-]+$/);
    const names = attributes.map((a) => (a.split("=")[0] ?? "").toLowerCase());
    expect(names).toEqual(expect.arrayContaining(["secure", "httponly", "samesite", "path"]));
    expect(names).not.toContain("domain");
    expect(attributes).toContain("SameSite=Lax");
    expect(attributes).toContain("Path=/");
  });

  it("answers 410 LINK_INVALID to a link already used, and creates nothing more", async () => {
    const email = newEmail();
    await register(email, "senha-forte-123");
    const token = await linkToken(email, "/verify-email");
    const first = await confirm(token);

    const second = await confirm(token);

    expect(first.status).toBe(201);
    expect(second.status).toBe(410);
    expect((second.body as ApiError).error.code).toBe("LINK_INVALID");
    expect(second.setCookie).toBeNull();
    expect(await organisationsOf(email, "senha-forte-123")).toHaveLength(1);
  });

  it("lets exactly one of two parallel confirms of one link through", async () => {
    const email = newEmail();
    await register(email, "senha-forte-123");
    const token = await linkToken(email, "/verify-email");

    const results = await Promise.all([confirm(token), confirm(token)]);

    expect(results.map((r) => r.status).sort()).toEqual([201, 410]);
    const refused = results.find((r) => r.status === 410);
    expect(refused?.body).toMatchObject({ error: { code: "LINK_INVALID" } });
    expect(refused?.setCookie).toBeNull();
    expect(await organisationsOf(email, "senha-forte-123")).toHaveLength(1);
  });

  it("answers 410 LINK_INVALID to an expired link, and creates nothing", async () => {
    const email = newEmail();
    await register(email, "senha-forte-123");
    const token = await linkToken(email, "/verify-email");
    await asOwner().query(
      "update pending_registrations set expires_at = now() - interval '1 second' where token_hash = $1",
      [await sha256Hex(token)],
    );

    const res = await confirm(token);

    expect(res.status).toBe(410);
    expect((res.body as ApiError).error.code).toBe("LINK_INVALID");
    expect(res.setCookie).toBeNull();
    expect((await login(email, "senha-forte-123")).status).toBe(401);
  });

  it("answers 410 LINK_INVALID to a token that was never issued", async () => {
    const res = await confirm("never-issued-0123456789abcdefghij");

    expect(res.status).toBe(410);
    expect((res.body as ApiError).error.code).toBe("LINK_INVALID");
  });

  it("makes one account of two sign-ups, confirmed at once, for one email in two spellings", async () => {
    const email = newEmail();
    await register(` ${email.toUpperCase()}`, "primeira-senha-123");
    await register(`${email} `, "segunda-senha-456");
    // Newest first: the second sign-up's link, then the first's.
    const [second, first] = await verifyTokens(email);
    if (!first || !second) throw new Error("expected two sign-up links");

    const [a, b] = await Promise.all([confirm(first), confirm(second)]);

    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect((loser.body as ApiError).error.code).toBe("EMAIL_TAKEN");
    expect(loser.setCookie).toBeNull();
    const users = await asOwner().query("select count(*)::int as n from users where email = $1", [
      email,
    ]);
    expect(users.rows[0]?.n).toBe(1);
    // The account is the winner's, with the winner's password only.
    const [winnerPassword, loserPassword] =
      a.status === 201
        ? ["primeira-senha-123", "segunda-senha-456"]
        : ["segunda-senha-456", "primeira-senha-123"];
    expect((await login(email, winnerPassword)).status).toBe(200);
    expect((await login(email, loserPassword)).status).toBe(401);
  });
});

function newEmail(): string {
  return `signup-${crypto.randomUUID()}@example.com`;
}

async function register(email: string, password: string, organisationName = "Org") {
  return api("/api/v1/auth/register", {
    method: "POST",
    body: { organisationName, email, password },
  });
}

async function confirm(token: string) {
  return api("/api/v1/auth/register/confirm", { method: "POST", body: { token } });
}

async function login(email: string, password: string) {
  return api("/api/v1/auth/login", { method: "POST", body: { email, password } });
}

/** The organisations of the account, as its own /me lists them after a login. */
async function organisationsOf(email: string, password: string) {
  const res = await login(email, password);
  const me = await api<Me>("/api/v1/auth/me", { cookie: cookieFrom(res.setCookie) });
  return me.body.organisations;
}

/** The tokens of every sign-up link sent to `to`, newest first. */
async function verifyTokens(to: string): Promise<string[]> {
  return (await emailsTo(to)).flatMap((email) => {
    const match = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(email.text);
    return match?.[1] ? [match[1]] : [];
  });
}
