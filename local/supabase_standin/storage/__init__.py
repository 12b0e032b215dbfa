"""storage-api's behaviour for the stand-in, one concern per module: errors, the shared lookups and
file store, request bodies, downloads, uploads, buckets, objects, listings and signed URLs. The
routes that tie them to paths are in `local.supabase_standin.storage_api`."""
