-- Job search (issue 16): free text over title and company that is case- and accent-insensitive
-- and ranked, plus the indexes the search filters and sorts use.
--
-- The trigram index on lower(title || company) could not rank, ignored accents, and served only
-- `ILIKE '%x%'`; it is replaced by a stored tsvector (title weighted above company) with a GIN
-- index, queried with websearch_to_tsquery, so search text is never SQL or a regex.
--
-- unaccent() is only STABLE (its dictionary can be changed) and generated columns need an
-- IMMUTABLE expression, so it is wrapped once, pinning the dictionary. The wrapper lives in its
-- own schema `search`, which the API roles may use but PostgREST does not expose (config.toml
-- exposes only `public`): the API's own query calls it on the search text (anon and authenticated
-- need EXECUTE, and EXECUTE is also checked when an insert or update computes the column).
-- It is SECURITY DEFINER so that callers need no usage on schema `extensions`.

create extension if not exists unaccent with schema extensions;

create schema if not exists search;
comment on schema search is 'Text-search helpers used by the API''s queries; not exposed over the REST API.';
revoke all on schema search from public;
grant usage on schema search to anon, authenticated, service_role;

create or replace function search.unaccented(p_text text) returns text
language sql immutable parallel safe strict security definer set search_path = '' as $$
  select extensions.unaccent('extensions.unaccent'::regdictionary, p_text)
$$;
comment on function search.unaccented(text) is 'Text without accents (unaccent with a pinned dictionary), immutable for generated columns and indexes.';
revoke execute on function search.unaccented(text) from public;
grant execute on function search.unaccented(text) to anon, authenticated, service_role;

drop index public.job_postings_search_idx;

alter table public.job_postings
  add column search_document tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, search.unaccented(title)), 'A')
    || setweight(to_tsvector('english'::regconfig, search.unaccented(company)), 'B')
  ) stored,
  -- The advertised salary as one range (a single bound stands for both), null when not given,
  -- so the "salary range overlap" filter is one && that a GiST index answers.
  add column salary_range numrange generated always as (
    case when coalesce(salary_min, salary_max) is null then null
         else numrange(coalesce(salary_min, salary_max), coalesce(salary_max, salary_min), '[]') end
  ) stored;
comment on column public.job_postings.search_document is 'Title (weight A) and company (weight B), unaccented, English-stemmed: the free-text search document.';
comment on column public.job_postings.salary_range is 'The salary band as a closed range, null when the posting gives no salary.';

-- Free-text search: the @@ match and the ranking read this document.
create index job_postings_search_document_idx on public.job_postings using gin (search_document);
-- Salary overlap filter (&&).
create index job_postings_salary_range_idx on public.job_postings using gist (salary_range);
-- Location filter (case-insensitive equality).
create index job_postings_location_idx on public.job_postings (lower(location));
-- "Sort by salary" over what the public sees: the top of the list without sorting every posting.
create index job_postings_open_salary_idx on public.job_postings (salary_max desc nulls last, id)
  where status = 'active' and not is_cancelled;
-- employment_type, work_setup and experience_level have a handful of values each: an index on
-- them alone would not be selective, so they stay filters on the rows the other indexes find.
