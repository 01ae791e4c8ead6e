/* Loads a BPF object file, attaches all its programs and waits for a signal (bench/netwatch-overhead.sh's
 * floor); prints "attached" once they are. Usage: bpf-attach OBJECT.o */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct bpf_object *obj = argc > 1 ? bpf_object__open_file(argv[1], NULL) : NULL;
    struct bpf_program *prog;

    if (!obj || bpf_object__load(obj)) {
        fprintf(stderr, "bpf-attach: cannot load %s\n", argc > 1 ? argv[1] : "(no object given)");
        return 2;
    }
    bpf_object__for_each_program(prog, obj) {
        if (!bpf_program__attach(prog)) {
            fprintf(stderr, "bpf-attach: cannot attach %s\n", bpf_program__name(prog));
            return 2;
        }
    }
    printf("attached\n");
    fflush(stdout);
    pause();
    return 0;
}
