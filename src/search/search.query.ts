/**
 * One search across people, companies and deals, as one statement. Each table's generated
 * `search` column holds the record's words lower-cased and without accents (gallo_search_document)
 * and has a GIN index; `gallo_search_query` turns what the user typed into a prefix query the same
 * way, so "joao" finds "João", "CONCEICAO" finds "Conceição", and decomposed input (a + U+0303)
 * is composed first. Results are ranked with ts_rank, best first.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Entity } from "../../drizzle/schema.ts";

export type SearchHit = {
  kind: Entity;
  id: string;
  title: string;
  subtitle: string | null;
  rank: number;
};

/**
 * The search statement for `q` in organisation `orgId`: at most `limit` hits overall (and per
 * table, so a common prefix does not rank a million rows of one table).
 */
export function searchStatement(input: {
  orgId: string;
  q: string;
  limit: number;
  kinds: readonly Entity[];
}): SQL {
  const { orgId, limit } = input;
  // Punctuated identifiers are also tried as one word: the document holds phone numbers, CPF,
  // CNPJ and emails also as bare digits and letters, while people type "(11) 98765-4321",
  // "12.ABC.345/01DE-35" or "joao.silva@exemplo".
  const query = sql`(gallo_search_query(${input.q}) || gallo_search_query(${compact(input.q)}))`;
  const branch = (kind: Entity, body: SQL) =>
    input.kinds.includes(kind) ? sql`(${body} order by rank desc limit ${limit})` : undefined;

  const branches = [
    branch(
      "person",
      sql`select 'person' as kind, p.id, btrim(p.first_name || ' ' || p.last_name) as title,
                 coalesce(p.emails[1], p.phones[1]) as subtitle, ts_rank(p.search, ${query}) as rank
            from people p
           where p.org_id = ${orgId}::uuid and p.deleted_at is null and p.search @@ ${query}`,
    ),
    branch(
      "company",
      sql`select 'company' as kind, c.id, c.name as title,
                 coalesce(c.domains[1], c.tax_id) as subtitle, ts_rank(c.search, ${query}) as rank
            from companies c
           where c.org_id = ${orgId}::uuid and c.deleted_at is null and c.search @@ ${query}`,
    ),
    branch(
      "deal",
      sql`select 'deal' as kind, d.id, d.title, null::text as subtitle,
                 ts_rank(d.search, ${query}) as rank
            from deals d
           where d.org_id = ${orgId}::uuid and d.deleted_at is null and d.search @@ ${query}`,
    ),
  ].filter((b): b is SQL => b !== undefined);

  return sql`select kind, id, title, subtitle, rank
               from (${sql.join(branches, sql` union all `)}) hits
              order by rank desc, title, id
              limit ${limit}`;
}

/**
 * `q` as one word when it looks like a phone number, an email or a punctuated identifier: only
 * the digits of "+55 (11) 98765-4321" or "123.456.789-09", the letters and digits of
 * "12.ABC.345/01DE-35" or "joao.silva@exemplo.com.br" (the document also holds each of these
 * with its punctuation removed).
 */
export function compact(q: string): string {
  if (/^[\d\s().+\-/]+$/.test(q) && /\d/.test(q)) return q.replace(/\D/g, "");
  if (!/\s/.test(q) && /[\d@]/.test(q)) return q.replace(/[^\p{L}\p{N}]/gu, "");
  return q;
}
