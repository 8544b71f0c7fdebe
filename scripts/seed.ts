/**
 * `npm run seed`: a demo organisation with realistic Brazilian data in the local dev database.
 * Writes as the runtime role with the tenant claims set, the same way the Worker does, so the
 * data passes the same row-level policies. Running it again changes nothing.
 */
import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { hashPassword } from "../src/access/password.ts";
import { ensureDevVars } from "./lib/dev-vars.ts";
import { LOCAL_URLS, withLocalDatabase } from "./lib/local-database.ts";

const DEMO = {
  organisation: "Café Paulista Distribuidora Ltda",
  email: "demo@gallo.local",
  password: "cafe-com-pao-de-queijo",
};

const FIRST = ["Ana", "João", "Maria", "José", "Antônio", "Francisca", "Luís", "Fátima", "Márcio"];
const MORE = [
  "Conceição",
  "Sérgio",
  "Érica",
  "Luíza",
  "Otávio",
  "Cláudia",
  "Caio",
  "Gisele",
  "Thaís",
];
const LAST = ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Araújo", "Gonçalves"];
const MORE_LAST = ["Ribeiro", "Conceição", "Brandão", "Magalhães", "Assunção", "Simões", "Vieira"];
const DOMAINS = ["padariasaojoao.com.br", "mercadobomdia.com.br", "emporiodaserra.com.br"];

const vars = ensureDevVars();
const pepper = vars.PASSWORD_PEPPER;
if (!pepper) throw new Error(".dev.vars has no PASSWORD_PEPPER");

try {
  await withLocalDatabase(seed);
} catch (error) {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}

async function seed(): Promise<void> {
  const client = new pg.Client({ connectionString: LOCAL_URLS.runtime });
  await client.connect();
  try {
    const existing = await client.query("select 1 from gallo_login_lookup($1)", [DEMO.email]);
    if (existing.rowCount) {
      process.stdout.write(`already seeded: log in as ${DEMO.email} / ${DEMO.password}\n`);
      return;
    }
    const orgId = uuidv7();
    const userId = uuidv7();
    await client.query("begin");
    await client.query(
      "select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
      [orgId, userId],
    );
    await client.query("insert into organisations (id, name) values ($1, $2)", [
      orgId,
      DEMO.organisation,
    ]);
    await client.query("insert into users (id, email, password_hash) values ($1, $2, $3)", [
      userId,
      DEMO.email,
      await hashPassword(DEMO.password, pepper as string),
    ]);
    await client.query("insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')", [
      orgId,
      userId,
    ]);
    const people = contacts(60);
    for (const p of people) {
      await client.query(
        "insert into contacts (id, org_id, first_name, last_name, email, phone) values ($1, $2, $3, $4, $5, $6)",
        [uuidv7(), orgId, p.firstName, p.lastName, p.email, p.phone],
      );
    }
    await client.query("commit");
    process.stdout.write(
      `seeded "${DEMO.organisation}" with ${people.length} contacts: log in as ${DEMO.email} / ${DEMO.password}\n`,
    );
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** Deterministic, varied pt-BR people: accents, compound surnames, mobile numbers from São Paulo. */
function contacts(count: number) {
  const firsts = [...FIRST, ...MORE];
  const lasts = [...LAST, ...MORE_LAST];
  return Array.from({ length: count }, (_, i) => {
    const firstName = firsts[i % firsts.length] as string;
    const lastName = `${lasts[i % lasts.length]}${i % 3 === 0 ? ` ${lasts[(i * 7) % lasts.length]}` : ""}`;
    const local = `${firstName}.${lastName.split(" ")[0]}`
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .toLowerCase();
    return {
      firstName,
      lastName,
      email: `${local}${i}@${DOMAINS[i % DOMAINS.length]}`,
      phone: `+55 11 9${String(81000000 + i * 7919).slice(0, 4)}-${String(1000 + i * 37).slice(-4)}`,
    };
  });
}
