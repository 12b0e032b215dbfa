"""Local stand-in for Supabase Auth (/auth/v1) and Storage (/storage/v1), faithful enough that
the unmodified `supabase` client works against it. Dev/test infrastructure only, never deployed."""
