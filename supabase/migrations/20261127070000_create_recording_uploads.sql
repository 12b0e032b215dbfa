-- Interview video uploads with consent (issue 19.2, SPEC §11). The API records the candidate's
-- consent for one object key (`<candidate>/<interview>/<random>.<mp4|webm>`) and hands out a
-- signed upload URL; the upload's own transaction turns the consent into the video_recordings row
-- (this trigger), and the recording.check job reads the object's first bytes and keeps it only if
-- they are the MP4 or WebM the row says. An upload nobody consented to (straight to Storage, a
-- second recording of an interview, a URL whose consent was withdrawn) gets no row and the job
-- removes it. Until now candidates inserted recording rows themselves, with a consent time they
-- chose and no check that the object existed; rows are now written by the workflow only.

create table private.recording_consents (
  storage_path text primary key,                   -- the object key in interview-recordings the consent is for
  candidate_id uuid not null references public.candidates (id) on delete cascade,  -- who consented (and owns the folder)
  interview_id uuid not null references public.interviews (id) on delete cascade,   -- the interview being recorded
  mime_type text not null check (mime_type in ('video/mp4', 'video/webm')),          -- the declared container
  consent_given_at timestamptz not null default now(),  -- when the candidate consented
  -- A consent is only ever for a key under the candidate's own folder and the interview's subfolder.
  constraint recording_consents_in_own_folder check (storage_path like candidate_id::text || '/' || interview_id::text || '/%')
);
comment on table private.recording_consents is
  'Consents to record an interview, by object key, until the upload trigger turns them into video_recordings rows.';

-- Withdrawal and the retention sweep of unused consents look consents up by interview and age.
create index recording_consents_interview_idx on private.recording_consents (interview_id);
create index recording_consents_given_at_idx on private.recording_consents (consent_given_at);
-- Deleting a candidate deletes their consents (the foreign key's cascade looks them up here).
create index recording_consents_candidate_idx on private.recording_consents (candidate_id);

alter table private.recording_consents enable row level security;
revoke all on private.recording_consents from public, anon, authenticated;
grant select, insert, delete on private.recording_consents to service_role;

alter table public.video_recordings add column content_checked_at timestamptz;
comment on column public.video_recordings.content_checked_at is
  'When recording.check found the stored bytes to be the declared MP4 or WebM; null until then (not served for review).';

-- One live recording per interview: a second upload gets no row (and its object is removed).
create unique index video_recordings_one_live_per_interview on public.video_recordings (interview_id) where soft_deleted_at is null;
-- The old non-unique index on interview_id stays: withdrawal deletes soft-deleted rows too.

-- Rows come from consent + upload only.
drop policy "Candidates register recordings of their own interviews" on public.video_recordings;
revoke insert on public.video_recordings from authenticated;

-- Turns the consent for this key (if any, and only the owner's) into the recording row, and queues
-- the content check for every object of the bucket, consented or not.
create or replace function private.on_recording_uploaded() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_consent private.recording_consents;
  v_mime text := lower(split_part(coalesce(new.metadata ->> 'mimetype', ''), ';', 1));
  v_size bigint := coalesce((new.metadata ->> 'size')::bigint, 0);
begin
  delete from private.recording_consents c
   where c.storage_path = new.name and c.candidate_id::text = (storage.foldername(new.name))[1]
  returning * into v_consent;
  if v_consent.storage_path is not null and v_mime = v_consent.mime_type and v_size between 1 and 104857600 then
    insert into public.video_recordings (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at)
    values (v_consent.interview_id, v_consent.candidate_id, new.name, v_mime, v_size, v_consent.consent_given_at)
    on conflict do nothing;
  end if;
  perform private.enqueue_job('recording.check', jsonb_build_object('storage_path', new.name), 'recording.check:' || new.name);
  return new;
end
$$;

-- Consents recorded more than p_older_than ago whose upload never came (a signed upload URL is
-- valid for two hours); at most p_limit per call, for the retention sweep.
create or replace function private.delete_old_recording_consents(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select c.storage_path from private.recording_consents c
     where c.consent_given_at < now() - p_older_than
     order by c.consent_given_at
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from private.recording_consents c using doomed d where c.storage_path = d.storage_path returning 1
  )
  select count(*)::integer from deleted
$$;

revoke execute on function private.on_recording_uploaded(), private.delete_old_recording_consents(interval, integer)
  from public, anon, authenticated;
grant execute on function private.delete_old_recording_consents(interval, integer) to service_role;

create trigger on_recording_uploaded after insert on storage.objects
  for each row when (new.bucket_id = 'interview-recordings') execute function private.on_recording_uploaded();
