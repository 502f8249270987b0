#!/bin/sh
# The etcd storage backend's tests start their own etcd from /usr/bin/etcd (Debian's etcd-server).
# Installs it when missing and this user can (root with apt-get); otherwise says what to do.
[ -x "${KUBEFORGE_ETCD_BINARY:-/usr/bin/etcd}" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing etcd-server (Debian) for the etcd storage tests..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null && exit 0
  echo "error: apt-get install -y etcd-server failed; the etcd storage tests need /usr/bin/etcd" >&2
  exit 1
fi
echo "warning: /usr/bin/etcd not found: install Debian's etcd-server (sudo apt-get install -y etcd-server) or set KUBEFORGE_ETCD_BINARY; the etcd storage tests will fail without it" >&2
exit 0
