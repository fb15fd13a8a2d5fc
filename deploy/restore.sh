#!/usr/bin/env bash
# Restore a dump made by backup.sh into a NEW database (never over a live one).
#   restore.sh DUMPFILE NEW_DATABASE [OWNER]     (libpq's PGHOST, PGUSER, PGPORT apply)
# Then point DATABASE_URL at it and start the services (`courier-aid db upgrade` runs first).
set -euo pipefail
dump=${1:?usage: restore.sh DUMPFILE NEW_DATABASE [OWNER]}
db=${2:?usage: restore.sh DUMPFILE NEW_DATABASE [OWNER]}
owner=${3:-}
if [ -n "$owner" ]; then
  createdb --owner="$owner" "$db"
  role=(--role="$owner")
else
  createdb "$db"
  role=()
fi
pg_restore --no-owner "${role[@]}" --exit-on-error --single-transaction --dbname="$db" "$dump"
echo "restored $dump into $db"
