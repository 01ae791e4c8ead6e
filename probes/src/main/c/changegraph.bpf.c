// placeholder replaced by the real probes
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "changegraph.h"
char LICENSE[] SEC("license") = "Dual BSD/GPL";
