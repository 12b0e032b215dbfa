-- A resume linked to an application or an interview is the candidate's own (F12). Candidates
-- insert `resume_id` on applications, foreign keys ignore RLS, and on_application_created() copied
-- whatever id it got into the tailored interview: candidate B could apply with candidate A's
-- resume, and recruiters reviewing B's application were shown A's resume.
--
-- Enforced twice: the insert policy's with check (what the candidate may claim over REST), and a
-- trigger on applications and interviews for every role, including service-role code paths.

alter policy "Candidates apply for themselves" on public.applications
  with check (
    candidate_id = (select auth.uid())
    and (select access.app_role()) = 'candidate'
    and (applications.resume_id is null
         or exists (select 1 from public.resumes r
                     where r.id = applications.resume_id and r.candidate_id = (select auth.uid())))
  );

-- Security definer so the check sees every resume, whatever the caller's RLS shows.
create or replace function private.require_own_resume() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.resume_id is not null and not exists (
    select 1 from public.resumes r where r.id = new.resume_id and r.candidate_id = new.candidate_id
  ) then
    raise exception 'resume % does not belong to candidate %', new.resume_id, new.candidate_id using errcode = '42501';
  end if;
  return new;
end
$$;
comment on function private.require_own_resume() is 'Refuses a resume_id that is not a resume of the row''s candidate.';
revoke execute on function private.require_own_resume() from public, anon, authenticated;

-- BEFORE triggers fire in name order: this one precedes on_application_created, which copies the
-- resume into the interview it creates.
create trigger applications_require_own_resume before insert or update of resume_id, candidate_id on public.applications
  for each row execute function private.require_own_resume();
create trigger interviews_require_own_resume before insert or update of resume_id, candidate_id on public.interviews
  for each row execute function private.require_own_resume();
