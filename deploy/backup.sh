#!/usr/bin/env bash
# Dump one PostgreSQL database in pg_dump's custom format and keep the last KEEP_DAYS days.
#   backup.sh DATABASE DIRECTORY        (libpq's PGHOST, PGUSER, PGPORT apply)
# Prints the path of the new dump.
set -euo pipefail
db=${1:?usage: backup.sh DATABASE DIRECTORY}
dir=${2:?usage: backup.sh DATABASE DIRECTORY}
keep=${KEEP_DAYS:-14}
mkdir -p "$dir"
chmod 0700 "$dir"
out="$dir/$db-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file="$out.partial" "$db"
mv "$out.partial" "$out"
chmod 0600 "$out"
find "$dir" -name "$db-*.dump" -mtime +"$keep" -delete
echo "$out"
