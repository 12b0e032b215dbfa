-- The private buckets and who may touch which objects. Every user writes and reads only under
-- their own folder `<user id>/...`; staff may read; the service role bypasses RLS.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
  ('resumes', 'resumes', false, 10485760,
   array['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']),
  ('audio', 'audio', false, 5242880,
   array['audio/webm', 'audio/ogg', 'audio/opus', 'audio/mpeg', 'audio/wav']),
  ('interview-recordings', 'interview-recordings', false, 104857600, array['video/mp4', 'video/webm'])
on conflict (id) do update set public = excluded.public, file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

create policy "Users upload into their own folder" on storage.objects for insert to authenticated
  with check (bucket_id in ('resumes', 'audio', 'interview-recordings')
              and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Users read their own files and staff read all" on storage.objects for select to authenticated
  using (bucket_id in ('resumes', 'audio', 'interview-recordings')
         and ((storage.foldername(name))[1] = (select auth.uid())::text or (select public.is_staff())));
create policy "Users replace their own files" on storage.objects for update to authenticated
  using (bucket_id in ('resumes', 'audio', 'interview-recordings') and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id in ('resumes', 'audio', 'interview-recordings') and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Users delete their own files" on storage.objects for delete to authenticated
  using (bucket_id in ('resumes', 'audio', 'interview-recordings') and (storage.foldername(name))[1] = (select auth.uid())::text);
