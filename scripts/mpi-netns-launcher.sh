#!/usr/bin/env bash
# mpirun's "ssh" for mpi-netns.sh: called as `launcher HOST COMMAND…` to start Open MPI's
# daemon on HOST, it runs COMMAND through a shell (as ssh would) inside the network namespace
# that plays HOST.
set -euo pipefail
host=$1; shift
case $host in
  10.77.0.1) ns=convnet-mpi-a ;;
  10.77.0.2) ns=convnet-mpi-b ;;
  *) echo "mpi-netns-launcher: unknown host $host" >&2; exit 1 ;;
esac
[[ -n ${CONVNET_NETNS_LOG:-} ]] && echo "$host in namespace $ns" >> "$CONVNET_NETNS_LOG"
exec ip netns exec "$ns" /bin/sh -c "$*"
