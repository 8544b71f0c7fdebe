/**
 * Monitoring: with SENTRY_DSN set, the real SDK sends a 5xx to Sentry tagged with its request id,
 * scrubbed of cookies, tokens, bodies and personal data; a 4xx is never sent. The DSN points at a
 * fake ingest server on loopback, so what would leave the Worker is what the test reads.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OutageStack, startOutageStack } from "../faults/outage-stack.ts";

type Envelope = { raw: string; events: Record<string, unknown>[] };

const received: Envelope[] = [];
let ingest: Server;
let stack: OutageStack;

beforeAll(async () => {
  ingest = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push(parseEnvelope(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => ingest.listen(0, "127.0.0.1", resolve));
  const { port } = ingest.address() as AddressInfo;
  stack = await startOutageStack({
    databaseUp: true,
    bindings: { SENTRY_DSN: `http://publickey@127.0.0.1:${port}/1` },
  });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => ingest?.close(resolve));
}, 30_000);

describe("error reports to Sentry", () => {
  it("sends a 5xx with its request id and nothing of the caller, and never a 4xx", async () => {
    const session = await stack.signUp();
    const email = `ana-${crypto.randomUUID()}@example.com`;
    const notFound = await stack.call("/no-such-page");
    const unauthenticated = await stack.call("/api/v1/people");
    await stack.stopDatabase();

    const failed = await stack.call("/api/v1/people?token=query-secret-123", {
      session,
      method: "POST",
      body: { firstName: "Ana Secreta", emails: [email] },
      headers: { authorization: "Bearer bearer-secret-456", "user-agent": "agent-of-ana" },
    });
    await stack.startDatabase();

    expect([notFound.status, unauthenticated.status, failed.status]).toEqual([404, 401, 503]);
    const requestId = (failed.body.error as { requestId: string }).requestId;
    const event = await eventTagged(requestId);
    expect(event.tags).toMatchObject({ requestId, code: "DATABASE_UNAVAILABLE" });
    expect(event.user).toBeUndefined();
    const raw = received.map((envelope) => envelope.raw).join("\n");
    for (const secret of [
      session.cookie.split("=")[1] ?? session.cookie,
      session.csrfToken,
      email,
      "Ana Secreta",
      "query-secret-123",
      "bearer-secret-456",
      "agent-of-ana",
    ]) {
      expect(raw).not.toContain(secret);
    }
    const reported = received.flatMap((envelope) => envelope.events).map((e) => tagOf(e));
    expect(reported).toEqual([requestId]);
  });
});

/** Waits (at most 10 s) for the SDK's envelope carrying the event of `requestId`. */
async function eventTagged(requestId: string): Promise<Record<string, unknown>> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    const event = received.flatMap((e) => e.events).find((e) => tagOf(e) === requestId);
    if (event) return event;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no event for ${requestId} reached the ingest server`);
}

function tagOf(event: Record<string, unknown>): unknown {
  return (event.tags as Record<string, unknown> | undefined)?.requestId;
}

/** An envelope is lines of JSON: a header, then item headers each followed by its payload. */
function parseEnvelope(raw: string): Envelope {
  const lines = raw.split("\n").filter(Boolean);
  const events: Record<string, unknown>[] = [];
  for (let i = 1; i < lines.length - 1; i += 2) {
    const header = JSON.parse(lines[i] ?? "{}") as { type?: string };
    if (header.type === "event") events.push(JSON.parse(lines[i + 1] ?? "{}"));
  }
  return { raw, events };
}
