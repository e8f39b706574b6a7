#!/usr/bin/env bash
# A two-host MPI run simulated on one machine: two network namespaces joined by a veth pair
# (10.77.0.1/24 in convnet-mpi-a, 10.77.0.2/24 in convnet-mpi-b), one process in each, talking
# over TCP only. mpirun runs in namespace a (host 10.77.0.1 is then local to it) and starts the
# Open MPI daemon of host 10.77.0.2 through scripts/mpi-netns-launcher.sh (`ip netns exec`), in
# place of ssh. Then it runs the equivalence checks of mpi-check.sh across the two "hosts",
# shows the bytes that crossed the veth link, and tears everything down (also on failure).
#
# Usage (root; needs iproute2 and Open MPI): scripts/mpi-netns.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) == 0 ]] || { echo "mpi-netns: needs root (ip netns)"; exit 1; }

a=convnet-mpi-a b=convnet-mpi-b
work=$(mktemp -d)
teardown() {
  ip netns delete "$a" 2>/dev/null || true  # deleting a namespace deletes its end of the veth pair
  ip netns delete "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap teardown EXIT
teardown && work=$(mktemp -d)

echo "mpi-netns: namespaces $a (10.77.0.1) and $b (10.77.0.2), joined by a veth pair"
ip netns add "$a"
ip netns add "$b"
ip link add veth-cnmpi-a type veth peer name veth-cnmpi-b
ip link set veth-cnmpi-a netns "$a"
ip link set veth-cnmpi-b netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev veth-cnmpi-a
ip -n "$b" addr add 10.77.0.2/24 dev veth-cnmpi-b
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set veth-cnmpi-a up
ip -n "$b" link set veth-cnmpi-b up
echo "mpi-netns: route from a: $(ip netns exec "$a" ip route get 10.77.0.2 | head -n 1)"

printf '10.77.0.1 slots=1\n10.77.0.2 slots=1\n' > "$work/hosts"
export CONVNET_NETNS_LOG="$work/launches.log"
bytes() { ip -n "$a" -s link show veth-cnmpi-a | awk '/TX:/ { getline; print $1 }'; }
before=$(bytes)

export MPI_LAUNCH="ip netns exec $a"
export MPIRUN_EXTRA="--hostfile $work/hosts --mca btl self,tcp --mca btl_tcp_if_include 10.77.0.0/24 \
--mca oob_tcp_if_include 10.77.0.0/24 --mca plm_rsh_agent $PWD/scripts/mpi-netns-launcher.sh"
status=0
MPI_CHECK_ONLY=equivalence bash scripts/mpi-check.sh || status=$?

echo "mpi-netns: the launcher started: $(sort -u "$work/launches.log" 2>/dev/null | tr '\n' ' ')"
echo "mpi-netns: $(( $(bytes) - before )) bytes sent from 10.77.0.1 to 10.77.0.2 over the veth link"
exit $status
