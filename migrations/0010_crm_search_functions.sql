-- Search that ignores case and accents. These must exist before the CRM tables, whose generated
-- `search` columns call them. unaccent and pg_trgm are trusted extensions: the database owner may
-- create them (on Neon as well).
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint

-- unaccent() is STABLE because its dictionary could change; naming the dictionary makes the result
-- depend only on the input, so it can be IMMUTABLE and used in generated columns and indexes.
CREATE FUNCTION gallo_unaccent(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, normalize(p, NFC)) $$;--> statement-breakpoint

-- array_to_string is STABLE in general (element output can depend on settings); for text[] it
-- cannot, so this wrapper is IMMUTABLE.
CREATE FUNCTION gallo_join(p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT array_to_string(p, ' ') $$;--> statement-breakpoint

-- Phone numbers as the digits people type: the whole E.164 number, the national number, and for
-- Brazil the number without area code (so "98765" finds +55 11 98765-4321).
CREATE FUNCTION gallo_digits(p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT string_agg(
           CASE
             WHEN d LIKE '55%' THEN d || ' ' || substr(d, 3) || ' ' || substr(d, 5)
             WHEN d LIKE '351%' THEN d || ' ' || substr(d, 4)
             WHEN d LIKE '1%' THEN d || ' ' || substr(d, 2)
             ELSE d
           END, ' ')
    FROM (SELECT regexp_replace(x, '\D', '', 'g') AS d FROM unnest(p) AS x) AS phones
$$;--> statement-breakpoint

-- The text a record is found by: lower-case, unaccented, NFC; emails, domains and punctuated
-- identifiers (CNPJ 12.345.678/0001-90) also split into their parts.
CREATE FUNCTION gallo_search_document(VARIADIC p text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT d || ' ' || translate(d, '@._-+/()', '        ') || ' ' || regexp_replace(d, '[^a-z0-9 ]', '', 'g')
    FROM (SELECT lower(public.gallo_unaccent(array_to_string(p, ' '))) AS d) AS doc
$$;--> statement-breakpoint

-- What the user typed, as a prefix query: every word must match the start of a word of the
-- document. Returns NULL for input with no words (the caller then lists instead of searching).
CREATE FUNCTION gallo_search_query(p text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT nullif(string_agg(quote_literal(w) || ':*', ' & '), '')::tsquery
    FROM regexp_split_to_table(
           regexp_replace(lower(public.gallo_unaccent(p)), '[^a-z0-9@]+', ' ', 'g'), '\s+') AS w
   WHERE w <> ''
$$;--> statement-breakpoint

GRANT EXECUTE ON FUNCTION gallo_unaccent(text), gallo_join(text[]), gallo_digits(text[]),
  gallo_search_document(text[]), gallo_search_query(text) TO gallo_app;
