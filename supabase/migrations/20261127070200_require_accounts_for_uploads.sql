-- Only a live account writes files (issue 19.3). Storage checks an upload against these policies
-- with the caller's access token alone, and a token outlives its account by up to an hour: after
-- an account is erased its token could still put files in the user's old folder, files no row
-- points at and no sweep would ever find. Writing now also needs the caller's profile row
-- (a candidate or a recruiter), which erasure removes first.

-- Whether the caller has a profile (candidate or staff): one primary-key probe each.
create or replace function access.has_account() returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.candidates c where c.id = auth.uid())
      or exists (select 1 from public.recruiters r where r.id = auth.uid())
$$;
comment on function access.has_account() is 'True when the caller still has a candidate or recruiter profile (erased accounts do not).';
revoke execute on function access.has_account() from public;
grant execute on function access.has_account() to authenticated, service_role;

alter policy "Users upload into their own folder" on storage.objects
  with check (bucket_id in ('resumes', 'audio', 'interview-recordings')
              and (storage.foldername(name))[1] = (select auth.uid())::text
              and (select access.has_account()));
alter policy "Users replace their own files" on storage.objects
  using (bucket_id in ('resumes', 'audio', 'interview-recordings') and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id in ('resumes', 'audio', 'interview-recordings')
              and (storage.foldername(name))[1] = (select auth.uid())::text
              and (select access.has_account()));
