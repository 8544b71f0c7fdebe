/**
 * The audit log of the account flows (src/access/audit.ts): each event leaves one entry in the
 * organisation's log, written with the change, naming who, from where and in which request, and
 * never a password, hash or token. Entries are read as the owner role.
 */
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto.ts";
import {
  type ApiResponse,
  api,
  linkToken,
  newTenant,
  randomClientIp,
  signUp,
  type Tenant,
} from "../support/api.ts";
import { asOwner } from "../support/db.ts";
import { anotherSessionOf } from "../support/security.ts";

type Entry = {
  org_id: string;
  actor_user_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
};

const NEW_PASSWORD = "uma-senha-nova-789";

type RequestHeaders = Record<string, string>;

/** Each event and the request that causes it, sent with `headers`. */
const EVENTS: {
  action: string;
  act: (tenant: Tenant, headers: RequestHeaders) => Promise<ApiResponse>;
}[] = [
  {
    action: "auth.login",
    act: (t, headers) =>
      api("/api/v1/auth/login", {
        method: "POST",
        headers,
        body: { email: t.email, password: t.password },
      }),
  },
  {
    action: "auth.logout",
    act: (t, headers) => t.call("/api/v1/auth/logout", { method: "POST", headers }),
  },
  {
    action: "auth.session_revoked",
    act: async (t, headers) =>
      t.call(`/api/v1/auth/sessions/${await otherSessionId(t)}`, { method: "DELETE", headers }),
  },
  {
    action: "auth.sessions_revoked",
    act: (t, headers) =>
      t.call("/api/v1/auth/sessions/revoke-all", { method: "POST", headers, body: {} }),
  },
  {
    action: "auth.password_changed",
    act: (t, headers) =>
      t.call("/api/v1/auth/password", {
        method: "POST",
        headers,
        body: { currentPassword: t.password, newPassword: NEW_PASSWORD },
      }),
  },
];

describe("the audit log", () => {
  it("records auth.registered, by the new owner, in the request that confirmed the link", async () => {
    const email = `audit-${crypto.randomUUID()}@example.com`;

    const res = await signUp({ organisationName: "Audit", email, password: "senha-forte-123" });

    const entries = await entriesOf(res.body.organisation.id, "auth.registered");
    expect(entries).toEqual([
      expect.objectContaining({
        actor_user_id: res.body.user.id,
        actor_email: email,
        request_id: res.headers.get("x-request-id"),
      }),
    ]);
  });

  it.each(EVENTS)(
    "records $action, by the user, in the request that caused it",
    async ({ action, act }) => {
      const tenant = await newTenant("Audit");
      const ip = randomClientIp();

      const res = await act(tenant, { "cf-connecting-ip": ip, "user-agent": "audit-test/1.0" });

      expect(res.status).toBeLessThan(300);
      const entries = await entriesOf(tenant.orgId, action);
      expect(entries).toEqual([
        expect.objectContaining({
          org_id: tenant.orgId,
          actor_user_id: tenant.userId,
          actor_email: tenant.email,
          ip,
          user_agent: "audit-test/1.0",
          request_id: res.headers.get("x-request-id"),
        }),
      ]);
    },
  );

  it("records auth.session_revoked with the session it ended as the target", async () => {
    const tenant = await newTenant("Audit");
    const target = await otherSessionId(tenant);

    await tenant.call(`/api/v1/auth/sessions/${target}`, { method: "DELETE" });

    const entries = await entriesOf(tenant.orgId, "auth.session_revoked");
    expect(entries.map((e) => [e.target_type, e.target_id])).toEqual([["session", target]]);
  });

  it("records no auth.session_revoked when the session named is not the user's (404)", async () => {
    const [tenant, stranger] = await Promise.all([newTenant("Audit"), newTenant("Stranger")]);

    const res = await tenant.call(`/api/v1/auth/sessions/${await otherSessionId(stranger)}`, {
      method: "DELETE",
    });

    expect(res.status).toBe(404);
    expect(await entriesOf(tenant.orgId, "auth.session_revoked")).toEqual([]);
    expect(await entriesOf(stranger.orgId, "auth.session_revoked")).toEqual([]);
  });

  it("records auth.login_failed for a wrong password of an existing account, with no actor", async () => {
    const tenant = await newTenant("Audit");
    const ip = randomClientIp();

    const res = await login(tenant.email, `${tenant.password}x`, ip);

    expect(res.status).toBe(401);
    // Written after the answer is sent (so that it costs no time the caller could measure).
    const entries = await eventually(() => entriesOf(tenant.orgId, "auth.login_failed"));
    expect(entries).toEqual([
      expect.objectContaining({
        actor_user_id: null,
        target_type: "user",
        target_id: tenant.userId,
        ip,
      }),
    ]);
  });

  it("records nothing for a failed login with an email that has no account", async () => {
    const tenant = await newTenant("Audit");
    const [unknownIp, knownIp] = [randomClientIp(), randomClientIp()];

    await login(`nobody-${crypto.randomUUID()}@example.com`, "senha-forte-123", unknownIp);
    await login(tenant.email, `${tenant.password}x`, knownIp);

    // Once the known account's entry is in, any entry of the unknown email would be too.
    await eventually(() => entriesOf(tenant.orgId, "auth.login_failed"));
    const byIp = await asOwner().query(
      "select ip, count(*)::int as n from audit_log where ip = any($1) group by ip order by ip",
      [[unknownIp, knownIp]],
    );
    expect(byIp.rows).toEqual([{ ip: knownIp, n: 1 }]);
  });

  it("holds no password, hash or token in any entry", async () => {
    const tenant = await newTenant("Audit");
    const linkTokenValue = await linkToken(tenant.email, "/verify-email");
    const oldHash = await passwordHashOf(tenant.userId);
    const second = await anotherSessionOf(tenant);
    await login(tenant.email, "senha-errada-000");
    await tenant.call(`/api/v1/auth/sessions/${await otherSessionId(tenant)}`, {
      method: "DELETE",
    });
    await tenant.call("/api/v1/auth/sessions/revoke-all", { method: "POST", body: {} });
    await tenant.call("/api/v1/auth/password", {
      method: "POST",
      body: { currentPassword: tenant.password, newPassword: NEW_PASSWORD },
    });
    await tenant.call("/api/v1/auth/logout", { method: "POST" });
    await eventually(() => entriesOf(tenant.orgId, "auth.login_failed"));

    const entries = await entriesOf(tenant.orgId);

    expect(new Set(entries.map((e) => e.action))).toEqual(
      new Set([
        "auth.registered",
        "auth.login",
        "auth.login_failed",
        "auth.session_revoked",
        "auth.sessions_revoked",
        "auth.password_changed",
        "auth.logout",
      ]),
    );
    const secrets = [
      tenant.password,
      NEW_PASSWORD,
      "senha-errada-000",
      oldHash,
      await passwordHashOf(tenant.userId),
      tenant.csrfToken,
      second.csrfToken,
      tenant.cookie.split("=")[1] ?? tenant.cookie,
      second.cookie.split("=")[1] ?? second.cookie,
      linkTokenValue,
      await sha256Hex(linkTokenValue),
    ];
    for (const entry of entries) {
      const text = JSON.stringify(entry);
      for (const secret of secrets) expect(text, entry.action).not.toContain(secret);
      expect(text, entry.action).not.toMatch(/\$2[aby]\$\d\d\$/);
      expect(Object.keys(entry.summary).join(","), entry.action).not.toMatch(
        /password|hash|token|secret|cookie/i,
      );
    }
  });
});

/** The organisation's entries (of one action, if given), oldest first, read as the owner role. */
async function entriesOf(orgId: string, action?: string): Promise<Entry[]> {
  const { rows } = await asOwner().query(
    `select org_id, actor_user_id, actor_email, action, target_type, target_id, summary, ip,
            user_agent, request_id
       from audit_log where org_id = $1 and ($2::text is null or action = $2)
      order by created_at, id`,
    [orgId, action ?? null],
  );
  return rows as Entry[];
}

async function passwordHashOf(userId: string): Promise<string> {
  const { rows } = await asOwner().query("select password_hash from users where id = $1", [userId]);
  return String(rows[0]?.password_hash);
}

/** The id of a second session of the tenant's user, opened for the purpose. */
async function otherSessionId(tenant: Tenant): Promise<string> {
  const other = await anotherSessionOf(tenant);
  const res = await other.call<{ data: { id: string; current: boolean }[] }>(
    "/api/v1/auth/sessions",
  );
  const current = res.body.data.find((s) => s.current);
  if (!current) throw new Error("no current session");
  return current.id;
}

async function login(email: string, password: string, ip = randomClientIp()) {
  return api("/api/v1/auth/login", {
    method: "POST",
    headers: { "cf-connecting-ip": ip },
    body: { email, password },
  });
}

/** Polls `read` until it returns a non-empty list (background writes), for up to 5 seconds. */
async function eventually<T>(read: () => Promise<T[]>): Promise<T[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = await read();
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return read();
}
