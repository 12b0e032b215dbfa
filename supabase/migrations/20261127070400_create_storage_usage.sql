-- Storage usage for admins (issue 19.2, SPEC §11): per bucket, the files of the candidates the
-- admin's organization sees (registered through it or applied to it, as organization_candidates
-- records) and how much of that arrived in the last 30 days. Candidates' files live under their
-- own folder `<candidate id>/...` in every bucket, so the organization's share is the objects whose
-- first folder is one of its candidates. Counted on the organization's behalf without Storage's
-- per-row read policy (a security definer helper call per object), by one hash join of the
-- organization's candidates with the objects; every bucket is listed, with zeros when empty.
-- "Added in 30 days" counts the objects still stored that were created in that window: Storage
-- keeps no record of deletions, so it is the growth the buckets show, before any retention.

create or replace function public.organization_storage_usage()
returns table (bucket_id text, objects bigint, bytes bigint, objects_added_30d bigint, bytes_added_30d bigint)
language sql stable security definer set search_path = '' as $$
  with mine as (
    select m.candidate_id::text as folder
      from public.organization_candidates m
     where m.organization_id = access.staff_organization_id() and access.is_admin()
  ), files as (
    select o.bucket_id, coalesce((o.metadata ->> 'size')::bigint, 0) as size, o.created_at
      from storage.objects o join mine on mine.folder = split_part(o.name, '/', 1)
  )
  select b.id, count(f.bucket_id), coalesce(sum(f.size), 0)::bigint,
         count(f.bucket_id) filter (where f.created_at >= now() - interval '30 days'),
         coalesce(sum(f.size) filter (where f.created_at >= now() - interval '30 days'), 0)::bigint
    from storage.buckets b left join files f on f.bucket_id = b.id
   where access.is_admin()
   group by b.id
   order by b.id
$$;
comment on function public.organization_storage_usage() is
  'Per bucket: objects and bytes of the caller''s organization''s candidates, and those added in 30 days; admins only (no rows otherwise).';
revoke execute on function public.organization_storage_usage() from public, anon;
grant execute on function public.organization_storage_usage() to authenticated, service_role;
