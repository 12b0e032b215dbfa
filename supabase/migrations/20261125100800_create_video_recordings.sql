-- Optional video recordings of interviews, kept only with the candidate's consent (SPEC §11):
-- soft-deleted after the retention period, then the file is hard-deleted later by the daily job.

create table public.video_recordings (
  id uuid primary key default gen_random_uuid(),
  interview_id uuid not null references public.interviews (id) on delete cascade,
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  storage_path text not null unique,         -- object name in the interview-recordings bucket
  mime_type text not null check (mime_type in ('video/mp4', 'video/webm')),
  size_bytes bigint not null check (size_bytes between 1 and 104857600),
  consent_given_at timestamptz not null,     -- no consent, no row
  soft_deleted_at timestamptz,
  hard_delete_after timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.video_recordings is 'Consented interview recordings and their retention state.';
create index video_recordings_interview_idx on public.video_recordings (interview_id);
-- The retention sweep looks for live recordings by age and for soft-deleted ones past their hard-delete time.
create index video_recordings_live_idx on public.video_recordings (created_at) where soft_deleted_at is null;
create index video_recordings_purge_idx on public.video_recordings (hard_delete_after) where soft_deleted_at is not null;

alter table public.video_recordings enable row level security;

create policy "Candidates read their recordings and staff read all" on public.video_recordings for select to authenticated
  using ((candidate_id = (select auth.uid()) or (select public.is_staff())) and soft_deleted_at is null);
create policy "Candidates register recordings of their own interviews" on public.video_recordings for insert to authenticated
  with check (candidate_id = (select auth.uid()) and public.owns_interview(interview_id));

revoke all on public.video_recordings from anon, authenticated;
grant select on public.video_recordings to authenticated;
grant insert (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at) on public.video_recordings to authenticated;
