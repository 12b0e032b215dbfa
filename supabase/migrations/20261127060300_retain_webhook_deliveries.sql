-- Retention of the webhook delivery log (issue 19): the log only grows, one row per event and
-- webhook plus one per attempt. Settled deliveries (delivered or failed) are removed 30 days after
-- the event (shared/services/retention.py), their attempts with them (cascade); a delivery still
-- being retried is kept however old. Called by retention-cleanup in bounded batches, like the
-- rules of 20261126100200.

-- Holds only settled deliveries: the cleanup's oldest-first scan never reads the live ones.
create index webhook_deliveries_settled_created_idx on public.webhook_deliveries (created_at) where status <> 'pending';

create or replace function private.delete_old_webhook_deliveries(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select d.id from public.webhook_deliveries d
     where d.status <> 'pending' and d.created_at < now() - p_older_than
     order by d.created_at
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from public.webhook_deliveries d using doomed x where d.id = x.id returning 1
  )
  select count(*)::integer from deleted
$$;
comment on function private.delete_old_webhook_deliveries(interval, integer) is 'Removes up to p_limit settled webhook deliveries older than p_older_than; returns how many.';
revoke execute on function private.delete_old_webhook_deliveries(interval, integer) from public, anon, authenticated;
grant execute on function private.delete_old_webhook_deliveries(interval, integer) to service_role;
