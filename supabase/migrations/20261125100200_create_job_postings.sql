-- Job postings that candidates search and apply to. Free-text search is case-insensitive over
-- title and company, served by a trigram index (pg_trgm ships with Supabase).

create extension if not exists pg_trgm with schema extensions;

create table public.job_postings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id),  -- the firm that owns it
  created_by uuid references public.recruiters (id) on delete set null,
  title text not null check (length(title) between 2 and 200),
  company text not null check (length(company) between 1 and 200),
  description text not null default '' check (length(description) <= 20000),
  role_category text not null check (role_category in ('engineering', 'quality_assurance', 'data', 'devops', 'design',
    'product', 'sales', 'support', 'operations', 'management', 'other')),
  tech_stack text[] not null default '{}',        -- lower-case technologies, e.g. {react,typescript}
  required_skills text[] not null default '{}',
  employment_type text not null check (employment_type in ('permanent', 'contract', 'part_time')),
  work_setup text not null check (work_setup in ('remote', 'hybrid', 'onsite')),
  location text not null default '' check (length(location) <= 200),
  salary_min numeric(12, 2) check (salary_min >= 0),
  salary_max numeric(12, 2) check (salary_max >= 0),
  salary_currency char(3) not null default 'AUD',
  experience_level text not null default 'mid' check (experience_level in ('entry', 'junior', 'mid', 'senior', 'lead', 'principal')),
  status text not null default 'active' check (status in ('active', 'paused', 'closed')),
  is_cancelled boolean not null default false,    -- cancelled postings block new applications but keep old ones
  cancellation_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (salary_max is null or salary_min is null or salary_max >= salary_min),
  check (not is_cancelled or cancellation_reason is not null)
);
comment on table public.job_postings is 'Open roles of a recruitment firm.';

-- Candidates only ever list open postings, newest first: a partial index keeps that scan small.
create index job_postings_open_created_idx on public.job_postings (created_at desc) where status = 'active' and not is_cancelled;
create index job_postings_organization_idx on public.job_postings (organization_id);
create index job_postings_role_category_idx on public.job_postings (role_category);
create index job_postings_tech_stack_idx on public.job_postings using gin (tech_stack);
create index job_postings_search_idx on public.job_postings using gin ((lower(title || ' ' || company)) extensions.gin_trgm_ops);

create trigger job_postings_set_updated_at before update on public.job_postings
  for each row execute function public.set_updated_at();

alter table public.job_postings enable row level security;

create policy "Anyone reads open postings and staff read their organization's" on public.job_postings for select
  to anon, authenticated
  using ((status = 'active' and not is_cancelled) or organization_id = (select public.staff_organization_id()));
create policy "Recruiters create postings for their organization" on public.job_postings for insert to authenticated
  with check ((select public.can_manage()) and organization_id = (select public.staff_organization_id()));
create policy "Recruiters edit their organization's postings" on public.job_postings for update to authenticated
  using ((select public.can_manage()) and organization_id = (select public.staff_organization_id()))
  with check ((select public.can_manage()) and organization_id = (select public.staff_organization_id()));

revoke all on public.job_postings from anon, authenticated;
grant select on public.job_postings to anon, authenticated;
grant insert, update on public.job_postings to authenticated;
