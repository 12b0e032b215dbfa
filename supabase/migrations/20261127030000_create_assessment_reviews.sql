-- Review marks on assessments (issue 17): a recruiting team records that it has looked at an
-- assessment, so the dashboard can list the ones that are ready but nobody reviewed. Two
-- organizations can see the same candidate (registered through one, applied to the other), so
-- the mark is per organization: one team's review says nothing about the other's. A mark is a
-- fact (who, when), never edited or removed through the API; marking again changes nothing.

create table public.assessment_reviews (
  organization_id uuid not null references public.organizations (id) on delete cascade,  -- the team that reviewed it
  assessment_id uuid not null references public.assessment_results (id) on delete cascade,
  reviewed_by uuid references public.recruiters (id) on delete set null,  -- the recruiter or admin who marked it
  reviewed_at timestamptz not null default now(),
  primary key (organization_id, assessment_id)  -- one mark per team and assessment: marking twice is idempotent
);
comment on table public.assessment_reviews is 'Which organization reviewed which assessment, by whom and when.';
-- Cascades from a deleted assessment or recruiter look rows up by these columns.
create index assessment_reviews_assessment_idx on public.assessment_reviews (assessment_id);
create index assessment_reviews_reviewed_by_idx on public.assessment_reviews (reviewed_by);

alter table public.assessment_reviews enable row level security;

create policy "Staff read their organization's review marks" on public.assessment_reviews
  for select to authenticated
  using (organization_id = (select access.staff_organization_id()));

-- Recruiters and admins mark, in their own name and organization, an assessment they can see
-- (the subquery runs under assessment_results' own policy). Viewers cannot.
create policy "Recruiters mark assessments they see as reviewed" on public.assessment_reviews
  for insert to authenticated
  with check ((select access.can_manage())
              and organization_id = (select access.staff_organization_id())
              and reviewed_by = (select auth.uid())
              and exists (select 1 from public.assessment_results r where r.id = assessment_id));

revoke all on public.assessment_reviews from anon, authenticated;
grant select on public.assessment_reviews to authenticated;
grant insert (organization_id, assessment_id, reviewed_by) on public.assessment_reviews to authenticated;  -- reviewed_at is the database's clock
