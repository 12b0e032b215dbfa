-- Resumes and the AI feedback on them (workflow 2). A resume row is created by the upload
-- trigger on storage.objects, never by the client, so a row always has its stored file.

create table public.resumes (
  id uuid primary key default gen_random_uuid(),
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  storage_path text not null unique,         -- object name in the resumes bucket: <candidate id>/<file>
  file_name text not null,                   -- the name as uploaded (last path segment)
  file_size bigint not null default 0 check (file_size >= 0),
  mime_type text,
  is_active boolean not null default false,  -- the version used for interviews and applications
  parsing_status text not null default 'pending' check (parsing_status in ('pending', 'processing', 'completed', 'failed')),
  parsing_error text,                        -- readable reason when parsing failed
  parsed_data jsonb,                         -- skills, experience_years, education, previous_roles, technical_domains
  parse_model text,                          -- model and prompt version that produced parsed_data
  parse_prompt_version text,
  uploaded_at timestamptz not null default now(),
  parsed_at timestamptz,
  updated_at timestamptz not null default now()
);
comment on table public.resumes is 'Uploaded resume versions of a candidate and their parsed data.';

-- At most one active resume per candidate.
create unique index resumes_one_active_per_candidate on public.resumes (candidate_id) where is_active;
create index resumes_candidate_uploaded_idx on public.resumes (candidate_id, uploaded_at desc);
create index resumes_failed_idx on public.resumes (parsing_status) where parsing_status = 'failed';

create table public.resume_feedback (
  id uuid primary key default gen_random_uuid(),
  resume_id uuid not null unique references public.resumes (id) on delete cascade,  -- one per resume
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  feedback_content text not null,            -- email-style text to the candidate
  identified_gaps jsonb not null default '[]',
  recommended_resources jsonb not null default '[]',
  status text not null default 'pending_approval' check (status in ('draft', 'pending_approval', 'approved', 'sent', 'failed')),
  generated_at timestamptz not null default now(),
  auto_send_at timestamptz not null,         -- sent automatically after this unless a recruiter acted
  approved_at timestamptz,
  approved_by uuid references public.recruiters (id) on delete set null,
  sent_at timestamptz,
  model text,
  prompt_version text,
  updated_at timestamptz not null default now()
);
comment on table public.resume_feedback is 'AI feedback on a resume, approved by a recruiter or auto-sent.';

-- The recruiter queue (oldest first) and the auto-send sweep both read pending rows only.
create index resume_feedback_pending_idx on public.resume_feedback (generated_at) where status = 'pending_approval';
create index resume_feedback_due_idx on public.resume_feedback (auto_send_at) where status = 'pending_approval';
create index resume_feedback_candidate_idx on public.resume_feedback (candidate_id);

create trigger resumes_set_updated_at before update on public.resumes
  for each row execute function public.set_updated_at();
create trigger resume_feedback_set_updated_at before update on public.resume_feedback
  for each row execute function public.set_updated_at();

alter table public.resumes enable row level security;
alter table public.resume_feedback enable row level security;

create policy "Candidates read their resumes and staff read all" on public.resumes for select to authenticated
  using (candidate_id = (select auth.uid()) or (select public.is_staff()));
create policy "Candidates choose their active resume" on public.resumes for update to authenticated
  using (candidate_id = (select auth.uid())) with check (candidate_id = (select auth.uid()));
create policy "Candidates delete their resumes" on public.resumes for delete to authenticated
  using (candidate_id = (select auth.uid()));

create policy "Candidates read sent feedback and staff read all" on public.resume_feedback for select to authenticated
  using ((candidate_id = (select auth.uid()) and status = 'sent') or (select public.is_staff()));
create policy "Recruiters edit and approve feedback" on public.resume_feedback for update to authenticated
  using ((select public.can_manage())) with check ((select public.can_manage()));

revoke all on public.resumes, public.resume_feedback from anon, authenticated;
grant select, delete on public.resumes to authenticated;
grant update (is_active) on public.resumes to authenticated;
grant select on public.resume_feedback to authenticated;
grant update (feedback_content, identified_gaps, recommended_resources, status, approved_at, approved_by)
  on public.resume_feedback to authenticated;
