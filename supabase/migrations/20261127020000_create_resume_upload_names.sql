-- Resume names kept apart from object keys (issue 22). storage-api refuses every key holding a
-- character outside [A-Za-z0-9_/!.*'() &$=@;:+,?-], so `résumé [final].pdf` cannot be the last
-- segment of a key, and the upload trigger can no longer read the name back from the key. The
-- API records the name a candidate gave for the key it is about to upload to (directly, or through
-- a signed upload URL whose PUT no function sees); the trigger takes it from here into
-- resumes.file_name in the upload's own transaction. An upload no function announced (straight
-- to Storage) keeps the key's last segment as its name, as before.

create table private.resume_upload_names (
  storage_path text primary key,                   -- the object key in the resumes bucket the name is for
  candidate_id uuid not null references public.candidates (id) on delete cascade,  -- who will upload there
  file_name text not null check (char_length(file_name) between 1 and 200),  -- the name as the candidate gave it
  created_at timestamptz not null default now(),  -- for the retention sweep of names never used
  -- A name is only ever for a key in its candidate's own folder, the one the trigger checks.
  constraint resume_upload_names_in_own_folder check (storage_path like candidate_id::text || '/%')
);
comment on table private.resume_upload_names is 'Names of resumes about to be uploaded, by object key, until the upload trigger uses them.';

-- The retention sweep removes names whose upload never came, oldest first.
create index resume_upload_names_created_at_idx on private.resume_upload_names (created_at);
-- Deleting a candidate deletes their names (the foreign key's cascade looks them up here).
create index resume_upload_names_candidate_idx on private.resume_upload_names (candidate_id);

alter table private.resume_upload_names enable row level security;
revoke all on private.resume_upload_names from public, anon, authenticated;
grant select, insert, delete on private.resume_upload_names to service_role;

comment on column public.resumes.file_name is
  'The name the candidate gave the file (from private.resume_upload_names); the last key segment for uploads straight to Storage.';

-- As before (20261125101100), plus the recorded name: it is used, and removed, only when it was
-- recorded for this very key and for the candidate whose folder the key is in.
create or replace function private.on_resume_uploaded() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_owner text := (storage.foldername(new.name))[1];
  v_candidate uuid;
  v_name text;
  v_resume uuid;
begin
  if new.bucket_id <> 'resumes' then
    return new;
  end if;
  select c.id into v_candidate from public.candidates c where c.id::text = v_owner;
  if v_candidate is null then
    return new;  -- not a candidate's folder: nothing to parse
  end if;
  delete from private.resume_upload_names n
   where n.storage_path = new.name and n.candidate_id = v_candidate
  returning n.file_name into v_name;
  update public.resumes set is_active = false where candidate_id = v_candidate and is_active;
  insert into public.resumes (candidate_id, storage_path, file_name, file_size, mime_type, is_active)
  values (v_candidate, new.name, coalesce(v_name, storage.filename(new.name)),
          coalesce((new.metadata ->> 'size')::bigint, 0), new.metadata ->> 'mimetype', true)
  on conflict (storage_path) do nothing
  returning id into v_resume;
  if v_resume is not null then
    perform private.enqueue_job('resume.process', jsonb_build_object('resume_id', v_resume), 'resume.process:' || v_resume);
  end if;
  return new;
end
$$;

-- Names recorded more than p_older_than ago whose upload never came (a signed upload URL is valid
-- for two hours; a failed direct upload leaves its name too); at most p_limit per call.
create or replace function private.delete_old_resume_upload_names(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select n.storage_path from private.resume_upload_names n
     where n.created_at < now() - p_older_than
     order by n.created_at
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from private.resume_upload_names n using doomed d where n.storage_path = d.storage_path returning 1
  )
  select count(*)::integer from deleted
$$;

revoke execute on function private.on_resume_uploaded(), private.delete_old_resume_upload_names(interval, integer)
  from public, anon, authenticated;
grant execute on function private.delete_old_resume_upload_names(interval, integer) to service_role;
