/**
 * What a person's fields accept and how they are stored: phones in E.164 read with the
 * organisation's region, CPF, CEP, and the references (company, owner, tags) and custom values
 * that must belong to the same organisation and fit their definitions.
 */
import { describe, expect, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import {
  type ApiError,
  countOf,
  createCompany,
  created,
  createPerson,
  createTag,
  type Person,
  read,
  setRegion,
} from "../support/crm-records.ts";
import { addMember } from "../support/members.ts";

const PEOPLE = "/api/v1/people";

describe("a person's phones", () => {
  it.each([
    {
      region: "BR",
      typed: "(11) 98765-4321",
      phone: { e164: "+5511987654321", national: "(11) 98765-4321" },
    },
    {
      region: "BR",
      typed: "11 3040-5060",
      phone: { e164: "+551130405060", national: "(11) 3040-5060" },
    },
    {
      region: "BR",
      typed: "+351 912 345 678",
      phone: { e164: "+351912345678", national: "912 345 678" },
    },
    {
      region: "PT",
      typed: "912 345 678",
      phone: { e164: "+351912345678", national: "912 345 678" },
    },
    {
      region: "PT",
      typed: "213 456 789",
      phone: { e164: "+351213456789", national: "21 345 6789" },
    },
    {
      region: "PT",
      typed: "+55 21 99876-5432",
      phone: { e164: "+5521998765432", national: "(21) 99876-5432" },
    },
  ] as const)(
    "reads $typed in an organisation in $region as $phone.e164",
    async ({ region, typed, phone }) => {
      const tenant = await newTenant();
      await setRegion(tenant, region);

      const person = await createPerson(tenant, { firstName: "Ana", phones: [typed] });

      expect(person.phones).toEqual([expect.objectContaining(phone)]);
    },
  );

  it("keeps one copy of a number typed twice in different ways", async () => {
    const tenant = await newTenant();

    const person = await createPerson(tenant, {
      firstName: "Ana",
      phones: ["(11) 98765-4321", "+55 11 98765 4321", "11987654321"],
    });

    expect(person.phones.map((p) => p.e164)).toEqual(["+5511987654321"]);
  });

  it.each(["12345", "abc", "(11) 98765-4321 ramal 2", "+99 123"])(
    "refuses %j with 400 naming the phone, in the caller's language",
    async (typed) => {
      const tenant = await newTenant();

      const res = await tenant.call<ApiError>(PEOPLE, {
        method: "POST",
        headers: { "accept-language": "pt-BR" },
        body: { firstName: "Ana", phones: ["(11) 98765-4321", typed] },
      });

      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { path: "phones.1", message: expect.stringContaining("não é um telefone") },
      ]);
      expect(await countOf(tenant, PEOPLE)).toBe(0);
    },
  );
});

describe("a person's CPF and address", () => {
  it.each(["529.982.247-25", "52998224725", " 529 982 247 25 "])(
    "stores the CPF %j as its 11 digits",
    async (cpf) => {
      const tenant = await newTenant();

      const person = await createPerson(tenant, { firstName: "Ana", cpf });

      expect(person.cpf).toBe("52998224725");
    },
  );

  it.each(["529.982.247-24", "111.111.111-11", "5299822472", "529.982.247-2X"])(
    "refuses the CPF %j with 400 naming the field",
    async (cpf) => {
      const tenant = await newTenant();

      const res = await tenant.call<ApiError>(PEOPLE, {
        method: "POST",
        body: { firstName: "Ana", cpf },
      });

      expect(res.status).toBe(400);
      expect(res.body.error.details?.map((d) => d.path)).toEqual(["cpf"]);
    },
  );

  it("keeps the CEP as text with its leading zero", async () => {
    const tenant = await newTenant();
    const address = {
      street: "Avenida Paulista",
      number: "1578",
      complement: "Conjunto 42",
      district: "Bela Vista",
      city: "São Paulo",
      state: "SP",
      postalCode: "01310-200",
      country: "br",
    };

    const person = await createPerson(tenant, { firstName: "Ana", address });

    expect(person.address).toEqual({ ...address, country: "BR" });
    expect((await read<Person>(tenant, `${PEOPLE}/${person.id}`)).address?.postalCode).toBe(
      "01310-200",
    );
  });
});

describe("a person's company, owner and tags", () => {
  it("links a company of the same organisation", async () => {
    const tenant = await newTenant();
    const company = await createCompany(tenant, { name: "Padaria Aurora" });

    const person = await createPerson(tenant, { firstName: "Ana", companyId: company.id });

    expect(person.companyId).toBe(company.id);
  });

  it.each([
    { what: "another organisation's company", trashed: false, foreign: true },
    { what: "a company in the trash", trashed: true, foreign: false },
    { what: "a company that does not exist", trashed: false, foreign: false },
  ])("refuses $what with 400 on companyId and links nothing", async ({ trashed, foreign }) => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);
    const company = await createCompany(foreign ? stranger : tenant, { name: "Alheia" });
    if (trashed) await tenant.call(`/api/v1/companies/${company.id}`, { method: "DELETE" });
    const companyId = trashed || foreign ? company.id : crypto.randomUUID();

    const res = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      body: { firstName: "Ana", companyId },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["companyId"]);
    expect(await countOf(tenant, PEOPLE)).toBe(0);
  });

  it("refuses on update a company of another organisation, and keeps the old link", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);
    const own = await createCompany(tenant, { name: "Própria" });
    const foreign = await createCompany(stranger, { name: "Alheia" });
    const person = await createPerson(tenant, { firstName: "Ana", companyId: own.id });

    const res = await tenant.call<ApiError>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, companyId: foreign.id },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["companyId"]);
    expect((await read<Person>(tenant, `${PEOPLE}/${person.id}`)).companyId).toBe(own.id);
  });

  it("accepts another member of the organisation as owner, or no owner", async () => {
    const tenant = await newTenant();
    const colleague = await addMember(tenant, "member");

    const owned = await createPerson(tenant, { firstName: "Ana", ownerId: colleague.userId });
    const unowned = await createPerson(tenant, { firstName: "Bia", ownerId: null });

    expect(owned.ownerId).toBe(colleague.userId);
    expect(unowned.ownerId).toBeNull();
  });

  it("refuses as owner a user who is not a member of the organisation", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);

    const res = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      body: { firstName: "Ana", ownerId: stranger.userId },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["ownerId"]);
  });

  it("accepts tags for people and refuses tags of companies or of another organisation", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);
    const vip = await createTag(tenant, "person", "VIP");
    const companyTag = await createTag(tenant, "company", "Cliente");
    const foreignTag = await createTag(stranger, "person", "Alheia");

    const person = await createPerson(tenant, { firstName: "Ana", tagIds: [vip.id] });
    const res = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      body: { firstName: "Bia", tagIds: [vip.id, companyTag.id, foreignTag.id] },
    });

    expect(person.tagIds).toEqual([vip.id]);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(["tagIds.1", "tagIds.2"]);
  });

  it("reports every problem of a request at once", async () => {
    const [tenant, stranger] = await Promise.all([newTenant(), newTenant("Stranger")]);

    const res = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      body: {
        firstName: "Ana",
        phones: ["12"],
        cpf: "123",
        ownerId: stranger.userId,
        companyId: crypto.randomUUID(),
        tagIds: [crypto.randomUUID()],
        custom: { nope: 1 },
      },
    });

    expect(res.body.error.details?.map((d) => d.path).sort()).toEqual([
      "companyId",
      "cpf",
      "custom.nope",
      "ownerId",
      "phones.0",
      "tagIds.0",
    ]);
  });
});

describe("a person's custom fields", () => {
  async function withFields(tenant: Tenant): Promise<void> {
    const fields = [
      { key: "apelido", label: "Apelido", type: "text" },
      { key: "limite", label: "Limite de crédito", type: "number" },
      { key: "aniversario", label: "Aniversário", type: "date" },
      { key: "segmento", label: "Segmento", type: "select", options: ["varejo", "atacado"] },
      { key: "canais", label: "Canais", type: "multiselect", options: ["email", "whatsapp"] },
      { key: "vip", label: "VIP", type: "boolean" },
      { key: "linkedin", label: "LinkedIn", type: "url" },
    ];
    for (const field of fields) {
      await created(tenant, "/api/v1/custom-fields", { entity: "person", ...field });
    }
  }

  it("stores values that fit their definitions", async () => {
    const tenant = await newTenant();
    await withFields(tenant);
    const custom = {
      apelido: "Aninha",
      limite: 1500.5,
      aniversario: "1990-02-28",
      segmento: "varejo",
      canais: ["whatsapp", "email", "whatsapp"],
      vip: true,
      linkedin: "https://www.linkedin.com/in/ana",
    };

    const person = await createPerson(tenant, { firstName: "Ana", custom });

    expect(person.custom).toEqual({ ...custom, canais: ["whatsapp", "email"] });
  });

  it.each([
    { key: "apelido", value: 42, says: "expected text" },
    { key: "limite", value: "1500", says: "expected a number" },
    { key: "aniversario", value: "2026-02-30", says: "YYYY-MM-DD" },
    { key: "aniversario", value: "28/02/1990", says: "YYYY-MM-DD" },
    { key: "segmento", value: "governo", says: "varejo, atacado" },
    { key: "canais", value: ["sms"], says: "email, whatsapp" },
    { key: "canais", value: "email", says: "email, whatsapp" },
    { key: "vip", value: "sim", says: "true or false" },
    { key: "linkedin", value: "javascript:alert(1)", says: "http" },
    { key: "desconhecido", value: "x", says: "no custom field" },
  ])("refuses $key = $value with a message on custom.$key", async ({ key, value, says }) => {
    const tenant = await newTenant();
    await withFields(tenant);

    const res = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      body: { firstName: "Ana", custom: { [key]: value } },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: `custom.${key}`, message: expect.stringContaining(says) },
    ]);
  });

  it("requires required fields on create, and lets updates of other fields through", async () => {
    const tenant = await newTenant();
    await created(tenant, "/api/v1/custom-fields", {
      entity: "person",
      key: "cidade_origem",
      label: "Cidade de origem",
      type: "text",
      required: true,
    });

    const missing = await tenant.call<ApiError>(PEOPLE, {
      method: "POST",
      headers: { "accept-language": "pt-BR" },
      body: { firstName: "Ana" },
    });
    const person = await createPerson(tenant, {
      firstName: "Ana",
      custom: { cidade_origem: "Recife" },
    });
    const other = await tenant.call(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, jobTitle: "Gerente" },
    });
    const cleared = await tenant.call<ApiError>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 2, custom: { cidade_origem: null } },
    });

    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      { path: "custom.cidade_origem", message: "Cidade de origem é obrigatório." },
    ]);
    expect(other.status).toBe(200);
    expect(cleared.status).toBe(400);
  });

  it("merges values on update: keys sent change, null clears, the others stay", async () => {
    const tenant = await newTenant();
    await withFields(tenant);
    const person = await createPerson(tenant, {
      firstName: "Ana",
      custom: { apelido: "Aninha", vip: true, limite: 100 },
    });

    const res = await tenant.call<{ data: Person }>(`${PEOPLE}/${person.id}`, {
      method: "PATCH",
      body: { version: 1, custom: { apelido: null, limite: 200 } },
    });

    expect(res.body.data.custom).toEqual({ vip: true, limite: 200 });
  });
});
