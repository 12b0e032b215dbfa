"""Where the local stack keeps its files: everything under the git-ignored `.local/`."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
LOCAL_DIR = REPO_ROOT / ".local"
SERVERLESS_YML = REPO_ROOT / "serverless.yml"
MIGRATIONS_DIR = REPO_ROOT / "supabase" / "migrations"
SEED_SQL = REPO_ROOT / "supabase" / "seed.sql"
SHIM_SQL = Path(__file__).resolve().parent / "sql" / "platform_shim.sql"
