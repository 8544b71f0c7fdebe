import { describe, expect, it } from "vitest";
import { newTenant, type Tenant } from "../support/api.ts";
import {
  type ApiError,
  createCompany,
  createDeal,
  createPerson,
  createTag,
  type Deal,
  defaultPipeline,
  stageAt,
} from "../support/deals.ts";
import { addMember } from "../support/members.ts";

type Page = { data: Deal[]; nextCursor: string | null; total: number };

/** Five deals that differ in every field a filter reads. */
async function fiveDeals(tenant: Tenant) {
  const pipeline = await defaultPipeline(tenant);
  const company = await createCompany(tenant, "Padaria Aurora");
  const person = await createPerson(tenant, "Ana");
  const tag = await createTag(tenant, "deal", "Quente");
  const colleague = await addMember(tenant, "member");
  const deals = {
    pao: await createDeal(tenant, {
      title: "Pão de queijo",
      amountMinor: 50000,
      expectedCloseDate: "2026-02-10",
      companyId: company.id,
    }),
    cafe: await createDeal(tenant, {
      title: "Café especial",
      amountMinor: 120000,
      currency: "EUR",
      expectedCloseDate: "2026-03-15",
      personIds: [person.id],
      tagIds: [tag.id],
    }),
    bolo: await createDeal(tenant, {
      title: "Bolo de fubá",
      amountMinor: 9900,
      stageId: stageAt(pipeline, 4).id,
      ownerId: colleague.userId,
    }),
    suco: await createDeal(tenant, {
      title: "Suco de caju",
      amountMinor: 300000,
      stageId: stageAt(pipeline, 5).id,
      lostReason: "Preço",
      expectedCloseDate: "2026-02-28",
    }),
    agua: await createDeal(tenant, { title: "Água de coco", amountMinor: 0 }),
  };
  return { pipeline, company, person, tag, colleague, deals };
}

describe("GET /api/v1/deals", () => {
  it("filters by every field a pipeline view needs", async () => {
    const tenant = await newTenant();
    const { pipeline, company, person, tag, colleague } = await fiveDeals(tenant);

    const cases: [string, string[]][] = [
      [
        `pipelineId=${pipeline.id}`,
        ["Água de coco", "Suco de caju", "Bolo de fubá", "Café especial", "Pão de queijo"],
      ],
      [`stageId=${stageAt(pipeline, 4).id}`, ["Bolo de fubá"]],
      ["status=won", ["Bolo de fubá"]],
      ["status=lost", ["Suco de caju"]],
      ["status=open", ["Água de coco", "Café especial", "Pão de queijo"]],
      [`ownerId=${colleague.userId}`, ["Bolo de fubá"]],
      [`tagId=${tag.id}`, ["Café especial"]],
      [`companyId=${company.id}`, ["Pão de queijo"]],
      [`personId=${person.id}`, ["Café especial"]],
      ["closeFrom=2026-02-10&closeTo=2026-02-28", ["Suco de caju", "Pão de queijo"]],
      ["amountMin=50000&amountMax=120000", ["Café especial", "Pão de queijo"]],
      ["currency=EUR", ["Café especial"]],
      ["q=cafe", ["Café especial"]],
      ["q=QUEIJ", ["Pão de queijo"]],
    ];
    for (const [query, titles] of cases) {
      const res = await tenant.call<Page>(`/api/v1/deals?${query}`);
      expect(res.status, query).toBe(200);
      expect(
        res.body.data.map((d) => d.title),
        query,
      ).toEqual(titles);
      expect(res.body.total, query).toBe(titles.length);
    }
  });

  it.each([
    {
      sort: "amount",
      titles: ["Suco de caju", "Café especial", "Pão de queijo", "Bolo de fubá", "Água de coco"],
    },
    {
      sort: "amount&order=asc",
      titles: ["Água de coco", "Bolo de fubá", "Pão de queijo", "Café especial", "Suco de caju"],
    },
    {
      sort: "closeDate",
      titles: ["Pão de queijo", "Suco de caju", "Café especial", "Bolo de fubá", "Água de coco"],
    },
    {
      sort: "title",
      titles: ["Água de coco", "Bolo de fubá", "Café especial", "Pão de queijo", "Suco de caju"],
    },
    {
      sort: "created&order=asc",
      titles: ["Pão de queijo", "Café especial", "Bolo de fubá", "Suco de caju", "Água de coco"],
    },
  ])("sorts by $sort, two per page, without skipping or repeating", async ({ sort, titles }) => {
    const tenant = await newTenant();
    await fiveDeals(tenant);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const suffix: string = cursor ? `&cursor=${cursor}` : "";
      const res: { body: Page } = await tenant.call<Page>(
        `/api/v1/deals?limit=2&sort=${sort}${suffix}`,
      );
      expect(res.body.total).toBe(5);
      seen.push(...res.body.data.map((d) => d.title));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }

    expect(seen).toEqual(titles);
  });

  it("leaves out trashed deals and counts without them", async () => {
    const tenant = await newTenant();
    const { deals } = await fiveDeals(tenant);
    await tenant.call(`/api/v1/deals/${deals.cafe.id}`, { method: "DELETE" });

    const res = await tenant.call<Page>("/api/v1/deals");

    expect(res.body.total).toBe(4);
    expect(res.body.data.map((d) => d.id)).not.toContain(deals.cafe.id);
  });

  it("shows none of another organisation's deals", async () => {
    const [mine, theirs] = await Promise.all([newTenant(), newTenant()]);
    await createDeal(theirs, { title: "Deles" });
    const pipeline = await defaultPipeline(theirs);

    const all = await mine.call<Page>("/api/v1/deals");
    const byTheirPipeline = await mine.call<Page>(`/api/v1/deals?pipelineId=${pipeline.id}`);

    expect(all.body).toEqual({ data: [], nextCursor: null, total: 0 });
    expect(byTheirPipeline.body.total).toBe(0);
  });

  it.each([
    { query: "status=paused", path: "status" },
    { query: "sort=probability", path: "sort" },
    { query: "closeFrom=2026-02-30", path: "closeFrom" },
    { query: "amountMin=-5", path: "amountMin" },
    { query: "pipelineId=nope", path: "pipelineId" },
    { query: "org_id=x", path: "" },
    { query: "cursor=abc", path: "cursor" },
  ])("answers 400 naming $path to $query", async ({ query, path }) => {
    const tenant = await newTenant();

    const res = await tenant.call<ApiError>(`/api/v1/deals?${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });
});
