#!/bin/sh
# The entrypoint of the local stand-in for the `redis` image, on Debian's Redis 7.0: as upstream,
# a container started as root owns /data and runs redis-server as `redis` there.
set -eu
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
  chown -R redis:redis /data
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
[ "$#" -gt 0 ] || set -- redis-server
exec "$@"
