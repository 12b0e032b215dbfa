-- Applications of candidates to postings. Applying creates the tailored interview in the same
-- transaction (trigger in the workflow migration).

create table public.applications (
  id uuid primary key default gen_random_uuid(),
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  job_posting_id uuid not null references public.job_postings (id) on delete cascade,
  resume_id uuid references public.resumes (id) on delete set null,
  interview_id uuid references public.interviews (id) on delete set null deferrable initially deferred,
  status text not null default 'applied' check (status in ('applied', 'interview_scheduled', 'interview_completed',
    'under_review', 'rejected', 'offered', 'accepted', 'withdrawn')),
  status_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (candidate_id, job_posting_id)   -- applying twice to the same posting is a conflict
);
comment on table public.applications is 'A candidate''s application to a posting and its progress.';
create index applications_job_posting_idx on public.applications (job_posting_id, created_at desc);
create index applications_interview_idx on public.applications (interview_id);

alter table public.interviews add constraint interviews_application_id_fkey
  foreign key (application_id) references public.applications (id) on delete set null deferrable initially deferred;
create index interviews_application_idx on public.interviews (application_id);

create trigger applications_set_updated_at before update on public.applications
  for each row execute function public.set_updated_at();

alter table public.applications enable row level security;

create policy "Candidates read their applications and staff read their organization's" on public.applications
  for select to authenticated
  using (candidate_id = (select auth.uid())
         or ((select public.is_staff()) and exists (
               select 1 from public.job_postings p
                where p.id = job_posting_id and p.organization_id = (select public.staff_organization_id()))));
create policy "Candidates apply for themselves" on public.applications for insert to authenticated
  with check (candidate_id = (select auth.uid()) and (select public.app_role()) = 'candidate');
create policy "Candidates withdraw and recruiters move applications" on public.applications for update to authenticated
  using (candidate_id = (select auth.uid())
         or ((select public.can_manage()) and exists (
               select 1 from public.job_postings p
                where p.id = job_posting_id and p.organization_id = (select public.staff_organization_id()))))
  with check ((candidate_id = (select auth.uid()) and status = 'withdrawn')
              or ((select public.can_manage()) and status <> 'withdrawn'));

revoke all on public.applications from anon, authenticated;
grant select on public.applications to authenticated;
grant insert (candidate_id, job_posting_id, resume_id) on public.applications to authenticated;
grant update (status) on public.applications to authenticated;
