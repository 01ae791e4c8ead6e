# Shared by bench/tcp-overhead.sh and bench/netwatch-overhead.sh (sourced): the connect storm, the BPF programs'
# own run time, waiting for a tool's probes, medians. Needs $tmp (a scratch directory) and $here (the checkout).
storm=$tmp/connect-storm
cc -O2 -o "$storm" "$here/bench/connect-storm.c"
# the storm (client and server) stays on CPU 0 in every variant: where the scheduler puts the two ends changes a
# loopback storm's rate more than the probes do (the recorder keeps itself on the last CPU); and it runs in a
# session of its own in every variant, as under `record` (a new session is a new scheduler autogroup, which on a
# loaded machine gets the storm a fair share of its own: comparing storms in different autogroups compares loads)
pin="setsid -w taskset -c 0"

# run time (ns) of the TCP programs a process holds open (their fdinfo has it while kernel.bpf_stats_enabled is
# 1; the names, from bpftool, tell the TCP programs from the syscall and process ones, which count every
# process's calls; all of netwatch's programs count, its DNS capture on every received packet too)
prog_ns() {
  local id ns sum=0
  while read -r id ns; do
    case $(bpftool prog show id "$id" 2>/dev/null | sed -n '1s/.* name \([^ ]*\).*/\1/p') in
      on_tcp_*|on_sk_*|nw_*|floor_*) sum=$((sum + ns)) ;;
    esac
  done < <(awk '/^prog_id:/ {id = $2} /^run_time_ns:/ {ns[id] = $2} END {for (i in ns) print i, ns[i]}' \
    /proc/"$1"/fdinfo/* 2>/dev/null || true)
  echo "$sum"
}

# waits until process $1 holds at least $2 BPF links (its probes attached), at most 30 s, then until it is calm
wait_attached() {
  for _ in $(seq 300); do
    [ "$( (grep -l '^link_id' /proc/"$1"/fdinfo/* 2>/dev/null || true) | wc -l)" -ge "$2" ] && { wait_calm "$1"; return 0; }
    sleep 0.1
  done
  echo "bench: process $1 did not attach its probes" >&2; cat "$tmp"/*.log >&2 2>/dev/null; return 1
}

# waits (at most 15 s) until process $1 used at most one clock tick of CPU in a second: the JVM's start-up
# compilation would otherwise share the machine with what is measured
wait_calm() {
  local before after
  for _ in $(seq 15); do
    before=$(proc_cpu_ticks "$1"); sleep 1; after=$(proc_cpu_ticks "$1")
    [ $((after - before)) -le 1 ] && return 0
  done
}

# user + system clock ticks of process $1 and its threads so far
proc_cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat 2>/dev/null || echo 0; }

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# the kernel's bpf stats: off while storms are timed (they cost every program call ~20-40 ns themselves), on
# only for the storm whose in-kernel time is read; bpf_stats_restore puts back what was there (call it on EXIT)
old_bpf_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
echo 0 > /proc/sys/kernel/bpf_stats_enabled
bpf_stats_restore() { echo "$old_bpf_stats" > /proc/sys/kernel/bpf_stats_enabled; }

# in-kernel run time (ns) of process $1's TCP programs during one storm (connect-storm ARGS: $2...), timed with
# the bpf stats on only for it
stats_ns() {
  local pid=$1 before after
  shift
  echo 1 > /proc/sys/kernel/bpf_stats_enabled
  before=$(prog_ns "$pid")
  $pin "$storm" "$@" >/dev/null
  after=$(prog_ns "$pid")
  echo 0 > /proc/sys/kernel/bpf_stats_enabled
  echo $((after - before))
}

# prints "seconds cpu-seconds bpf-ns" for an abortive storm (bench/connect-storm.c: SO_LINGER 0 closes, so no
# TIME_WAIT) of $connects beside process $1: seconds and CPU (both ends)
# timed with the bpf stats off; bpf-ns the run time of $1's TCP programs during a second storm with them on
# (0 and one storm only when $1 is empty)
storm_beside() {
  local out
  out=$($pin "$storm" "$connects")
  if [ -z "$1" ]; then echo "$(echo "$out" | awk '{print $1, $3}') 0"; return; fi
  echo "$(echo "$out" | awk '{print $1, $3}') $(stats_ns "$1" "$connects")"
}
