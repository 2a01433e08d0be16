#!/bin/sh
# The entrypoint of the local stand-in for the `rabbitmq:*-management` images, on Debian's
# RabbitMQ 3.10: the upstream image's contract (RABBITMQ_DEFAULT_USER and RABBITMQ_DEFAULT_PASS make
# the default user, data in /var/lib/rabbitmq, AMQP on 5672, the management plugin on 15672,
# logs on the console; start as root, own the data, run as `rabbitmq`).
set -eu
if [ "$(id -u)" = 0 ]; then
  mkdir -p /var/lib/rabbitmq /var/log/rabbitmq
  # The generated password is written where only rabbitmq reads it.
  umask 077
  {
    echo 'loopback_users = none'
    echo 'listeners.tcp.default = 5672'
    echo 'management.tcp.port = 15672'
    echo 'log.console = true'
    echo 'log.file = false'
    echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
    echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
  } > /etc/rabbitmq/rabbitmq.conf
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq /etc/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0" "$@"
fi
export HOME=/var/lib/rabbitmq
[ "$#" -gt 0 ] || set -- rabbitmq-server
exec "$@"
