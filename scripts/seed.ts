/**
 * `npm run seed`: a demo organisation with realistic Brazilian data in the local dev database:
 * companies with valid CNPJs (two in the alphanumeric format of July 2026), people working there
 * with E.164 phones and some with a CPF, a few tags, and each record's "created" timeline entry.
 * Writes as the runtime role with the tenant claims set, the same way the Worker does, so the
 * data passes the same row-level policies. Running it again changes nothing.
 */
import { cnpj, cpf } from "cpf-cnpj-validator";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { hashPassword } from "../src/access/password.ts";
import { toE164 } from "../src/lib/phone.ts";
import { ensureDevVars } from "./lib/dev-vars.ts";
import { type LocalUrls, withLocalDatabase } from "./lib/local-database.ts";
import { seedSales } from "./lib/seed-sales.ts";

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
const JOBS = ["Compradora", "Gerente de compras", "Sócio", "Diretora comercial", "Financeiro"];

/** CNPJ bodies (12 characters); the check digits are computed, so every CNPJ is valid. */
const COMPANIES = [
  {
    name: "Padaria São João Ltda",
    domain: "padariasaojoao.com.br",
    body: "112223330001",
    size: "11-50",
  },
  { name: "Mercado Bom Dia", domain: "mercadobomdia.com.br", body: "452781960001", size: "51-200" },
  { name: "Empório da Serra", domain: "emporiodaserra.com.br", body: "073512840001", size: "1-10" },
  {
    name: "Açaí da Conceição",
    domain: "acaidaconceicao.com.br",
    body: "12ABC3450001",
    size: "1-10",
  },
  {
    name: "Café Três Corações do Brás",
    domain: "cafedobras.com.br",
    body: "9X7Q2L1M0001",
    size: "11-50",
  },
  {
    name: "Distribuidora Ipiranga",
    domain: "distipiranga.com.br",
    body: "608124570002",
    size: "201-1000",
  },
] as const;

const STREETS = ["Rua Augusta", "Avenida Paulista", "Rua da Mooca", "Rua Oscar Freire"];

const vars = ensureDevVars();
const pepper = vars.PASSWORD_PEPPER;
if (!pepper) throw new Error(".dev.vars has no PASSWORD_PEPPER");

try {
  await withLocalDatabase(seed);
} catch (error) {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}

async function seed(urls: LocalUrls): Promise<void> {
  const client = new pg.Client({ connectionString: urls.runtime });
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
    const counts = await seedRecords(client, orgId, userId);
    const sales = await seedSales(client, { orgId, userId, ...counts });
    await client.query("commit");
    process.stdout.write(
      `seeded "${DEMO.organisation}" with ${counts.companyIds.length} companies, ${counts.personIds.length} people, ${sales.deals} deals, ${sales.tasks} tasks and ${sales.notes} notes: log in as ${DEMO.email} / ${DEMO.password}\n`,
    );
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** Companies, people, tags and the "created" timeline entries, inside the open transaction. */
async function seedRecords(client: pg.Client, orgId: string, userId: string) {
  const insert = (statement: string, values: unknown[]) => client.query(statement, values);
  const created = (recordType: string, recordId: string) =>
    insert(
      `insert into timeline_events (id, org_id, record_type, record_id, actor_id, kind)
       values ($1, $2, $3, $4, $5, 'created')`,
      [uuidv7(), orgId, recordType, recordId, userId],
    );

  const tags = { client: uuidv7(), supplier: uuidv7(), decider: uuidv7() };
  for (const [id, entity, name, color] of [
    [tags.client, "company", "Cliente", "#2e8b57"],
    [tags.supplier, "company", "Fornecedor", "#1e90ff"],
    [tags.decider, "person", "Decisor", "#d2691e"],
  ]) {
    await insert("insert into tags (id, org_id, entity, name, color) values ($1, $2, $3, $4, $5)", [
      id,
      orgId,
      entity,
      name,
      color,
    ]);
  }

  const companyIds: string[] = [];
  for (const [i, company] of COMPANIES.entries()) {
    const id = uuidv7();
    companyIds.push(id);
    await insert(
      `insert into companies (id, org_id, name, domains, tax_id, tax_id_kind, industry, size,
                              address, phones, website, owner_id, tag_ids, created_by)
       values ($1, $2, $3, $4, $5, 'cnpj', 'Alimentos e bebidas', $6, $7, $8, $9, $10, $11, $10)`,
      [
        id,
        orgId,
        company.name,
        [company.domain],
        withCheckDigits(company.body, cnpj.verifierDigit),
        company.size,
        JSON.stringify({
          street: STREETS[i % STREETS.length],
          number: String(100 + i * 37),
          district: "Centro",
          city: "São Paulo",
          state: "SP",
          postalCode: `0${1000 + i * 111}-${String(100 + i).padStart(3, "0")}`,
          country: "BR",
        }),
        [e164(`(11) 3${String(204 + i * 13)}-${String(5060 + i).padStart(4, "0")}`)],
        `https://www.${company.domain}`,
        userId,
        i === 5 ? [tags.supplier] : [tags.client],
      ],
    );
    await created("company", id);
  }

  const people = peopleData(60);
  const personIds: string[] = [];
  for (const [i, p] of people.entries()) {
    const id = uuidv7();
    personIds.push(id);
    await insert(
      `insert into people (id, org_id, first_name, last_name, emails, phones, job_title,
                           company_id, cpf, owner_id, tag_ids, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)`,
      [
        id,
        orgId,
        p.firstName,
        p.lastName,
        [p.email],
        [e164(p.phone)],
        i % 5 === 4 ? null : JOBS[i % JOBS.length],
        // One in six people works on their own, without a company.
        i % 6 === 5 ? null : companyIds[i % companyIds.length],
        i % 4 === 0
          ? withCheckDigits(String(100000000 + i * 7_654_321).slice(-9), cpf.verifierDigit)
          : null,
        userId,
        i % 7 === 0 ? [tags.decider] : [],
      ],
    );
    await created("person", id);
  }
  return { companyIds, personIds };
}

/** `body` followed by its two check digits (CNPJ and CPF compute them the same way twice). */
function withCheckDigits(body: string, digit: (digits: string) => number): string {
  const first = body + digit(body);
  return first + digit(first);
}

function e164(phone: string): string {
  const number = toE164(phone, "BR");
  if (!number) throw new Error(`not a phone number: ${phone}`);
  return number;
}

/** Deterministic, varied pt-BR people: accents, compound surnames, mobile numbers from São Paulo. */
function peopleData(count: number) {
  const firsts = [...FIRST, ...MORE];
  const lasts = [...LAST, ...MORE_LAST];
  return Array.from({ length: count }, (_, i) => {
    const firstName = firsts[i % firsts.length] as string;
    const lastName = `${lasts[i % lasts.length]}${i % 3 === 0 ? ` ${lasts[(i * 7) % lasts.length]}` : ""}`;
    const local = `${firstName}.${lastName.split(" ")[0]}`
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .toLowerCase();
    const company = COMPANIES[i % COMPANIES.length] as (typeof COMPANIES)[number];
    return {
      firstName,
      lastName,
      // Those without a company (see seedRecords) use a personal address.
      email: `${local}${i}@${i % 6 === 5 ? "gmail.com" : company.domain}`,
      phone: `(11) 9${String(81000000 + i * 7919).slice(0, 4)}-${String(1000 + i * 37).slice(-4)}`,
    };
  });
}
