-- Organization tenancy for candidates' data (F7): staff of an organization see a candidate's
-- profile, resumes, feedback, interviews, messages, assessments, recordings and stored files
-- only when the candidate applied to one of the organization's postings or registered through
-- it. Self-registered candidates belong to the portal's home organization. Until now every
-- staff member of every firm saw (and could edit the feedback of) every candidate.

alter table public.candidates
  add column organization_id uuid not null default '00000000-0000-0000-0000-00000000a001'
  references public.organizations (id);
comment on column public.candidates.organization_id is
  'The organization the candidate registered through (the portal''s home organization when self-registered).';
-- Staff lists filter candidates by organization.
create index candidates_organization_idx on public.candidates (organization_id);
-- Tenancy checks look applications up by candidate (the unique (candidate_id, job_posting_id)
-- index serves them).

-- A new candidate registered by an organization carries it in app_metadata (server-set only).
create or replace function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_role text := coalesce(new.raw_app_meta_data ->> 'role', 'candidate');
  v_name text := coalesce(nullif(trim(new.raw_user_meta_data ->> 'full_name'), ''), split_part(new.email, '@', 1));
  v_organization uuid := coalesce((new.raw_app_meta_data ->> 'organization_id')::uuid, '00000000-0000-0000-0000-00000000a001');
begin
  if v_role in ('recruiter', 'admin', 'viewer') then
    insert into public.recruiters (id, email, full_name, role, organization_id)
    values (new.id, lower(new.email), v_name, v_role, v_organization)
    on conflict (id) do nothing;
  else
    insert into public.candidates (id, email, full_name, phone, organization_id)
    values (new.id, lower(new.email), v_name, nullif(new.raw_user_meta_data ->> 'phone', ''), v_organization)
    on conflict (id) do nothing;
  end if;
  return new;
end
$$;
revoke execute on function public.handle_new_user() from public, anon, authenticated;

-- Whether the calling staff member's organization may see this candidate's data.
create or replace function access.staff_sees_candidate(p_candidate_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select access.is_staff() and (
    exists (select 1 from public.candidates c
             where c.id = p_candidate_id and c.organization_id = access.staff_organization_id())
    or exists (select 1 from public.applications a join public.job_postings p on p.id = a.job_posting_id
                where a.candidate_id = p_candidate_id and p.organization_id = access.staff_organization_id())
  )
$$;
comment on function access.staff_sees_candidate(uuid) is
  'True when the caller is active staff of an organization the candidate applied to or registered through.';

-- The same, for managers (recruiter or admin): who may change a candidate's feedback.
create or replace function access.staff_manages_candidate(p_candidate_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select access.can_manage() and access.staff_sees_candidate(p_candidate_id)
$$;

create or replace function access.staff_sees_interview(p_interview_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.interviews i where i.id = p_interview_id and access.staff_sees_candidate(i.candidate_id))
$$;

-- Storage objects are filed under the owner's id as the first folder.
create or replace function access.staff_sees_candidate_folder(p_folder text) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_folder ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     and access.staff_sees_candidate(p_folder::uuid)
$$;

revoke execute on all functions in schema access from public;
grant execute on all functions in schema access to anon, authenticated, service_role;

alter policy "Candidates read themselves and staff read candidates" on public.candidates
  using (id = (select auth.uid()) or access.staff_sees_candidate(id));
alter policy "Candidates read themselves and staff read candidates" on public.candidates
  rename to "Candidates read themselves and staff read their organization's candidates";

alter policy "Candidates read their resumes and staff read all" on public.resumes
  using (candidate_id = (select auth.uid()) or access.staff_sees_candidate(candidate_id));
alter policy "Candidates read their resumes and staff read all" on public.resumes
  rename to "Candidates read their resumes and staff read their organization's";

alter policy "Candidates read sent feedback and staff read all" on public.resume_feedback
  using ((candidate_id = (select auth.uid()) and status = 'sent') or access.staff_sees_candidate(candidate_id));
alter policy "Candidates read sent feedback and staff read all" on public.resume_feedback
  rename to "Candidates read sent feedback and staff read their organization's";
alter policy "Recruiters edit and approve feedback" on public.resume_feedback
  using (access.staff_manages_candidate(candidate_id)) with check (access.staff_manages_candidate(candidate_id));
alter policy "Recruiters edit and approve feedback" on public.resume_feedback
  rename to "Recruiters edit their organization's feedback";

alter policy "Candidates read their interviews and staff read all" on public.interviews
  using (candidate_id = (select auth.uid()) or access.staff_sees_candidate(candidate_id));
alter policy "Candidates read their interviews and staff read all" on public.interviews
  rename to "Candidates read their interviews and staff read their organization's";

alter policy "Candidates read their messages and staff read all" on public.interview_messages
  using (access.owns_interview(interview_id) or access.staff_sees_interview(interview_id));
alter policy "Candidates read their messages and staff read all" on public.interview_messages
  rename to "Candidates read their messages and staff read their organization's";

alter policy "Candidates read their recordings and staff read all" on public.video_recordings
  using ((candidate_id = (select auth.uid()) or access.staff_sees_candidate(candidate_id)) and soft_deleted_at is null);
alter policy "Candidates read their recordings and staff read all" on public.video_recordings
  rename to "Candidates read their recordings and staff read their organization's";

alter policy "Users read their own files and staff read all" on storage.objects
  using (bucket_id in ('resumes', 'audio', 'interview-recordings')
         and ((storage.foldername(name))[1] = (select auth.uid())::text
              or access.staff_sees_candidate_folder((storage.foldername(name))[1])));
alter policy "Users read their own files and staff read all" on storage.objects
  rename to "Users read their own files and staff read their organization's";
