-- A recording row points into its candidate's own folder of the interview-recordings bucket
-- (F13). The insert policy checked only the candidate and the interview, so a candidate could
-- register a row whose storage_path named another candidate's recording (shown to staff as
-- theirs, deleted by the retention sweep) or squat a path, as storage_path is unique.
-- There is no update policy or grant on video_recordings; the path cannot change after insert.

alter policy "Candidates register recordings of their own interviews" on public.video_recordings
  with check (
    candidate_id = (select auth.uid())
    and access.owns_interview(interview_id)
    and (storage.foldername(storage_path))[1] = (select auth.uid())::text
  );
