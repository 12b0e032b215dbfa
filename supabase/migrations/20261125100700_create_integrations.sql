-- Outbound webhooks per organization (SPEC §10) and the record of every delivery attempt.
-- Managed by admins; deliveries are written by the job runner only.

create table public.integration_webhooks (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  url text not null check (url ~ '^https?://' and length(url) <= 2000),
  secret text not null check (length(secret) >= 16),  -- HMAC key for the signature header
  event_types text[] not null check (event_types <@ array['interview.completed', 'assessment.ready', 'application.status_changed']
                                     and cardinality(event_types) > 0),
  is_active boolean not null default true,
  last_triggered_at timestamptz,
  created_by uuid references public.recruiters (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.integration_webhooks is 'Admin-managed outbound webhooks of an organization.';
create index integration_webhooks_active_idx on public.integration_webhooks (organization_id) where is_active;

create table public.webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references public.integration_webhooks (id) on delete cascade,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  response_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
comment on table public.webhook_deliveries is 'Each event sent (or being sent) to a webhook.';
create index webhook_deliveries_webhook_idx on public.webhook_deliveries (webhook_id, created_at desc);

create trigger integration_webhooks_set_updated_at before update on public.integration_webhooks
  for each row execute function public.set_updated_at();

alter table public.integration_webhooks enable row level security;
alter table public.webhook_deliveries enable row level security;

create policy "Admins read their organization's webhooks" on public.integration_webhooks for select to authenticated
  using ((select public.is_admin()) and organization_id = (select public.staff_organization_id()));
create policy "Admins add webhooks to their organization" on public.integration_webhooks for insert to authenticated
  with check ((select public.is_admin()) and organization_id = (select public.staff_organization_id()));
create policy "Admins edit their organization's webhooks" on public.integration_webhooks for update to authenticated
  using ((select public.is_admin()) and organization_id = (select public.staff_organization_id()))
  with check ((select public.is_admin()) and organization_id = (select public.staff_organization_id()));
create policy "Admins delete their organization's webhooks" on public.integration_webhooks for delete to authenticated
  using ((select public.is_admin()) and organization_id = (select public.staff_organization_id()));

create policy "Admins read deliveries of their organization's webhooks" on public.webhook_deliveries for select to authenticated
  using ((select public.is_admin()) and exists (
    select 1 from public.integration_webhooks w
     where w.id = webhook_id and w.organization_id = (select public.staff_organization_id())));

revoke all on public.integration_webhooks, public.webhook_deliveries from anon, authenticated;
grant select, insert, update, delete on public.integration_webhooks to authenticated;
grant select on public.webhook_deliveries to authenticated;
