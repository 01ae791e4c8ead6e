/* Loads BPF object files and attaches the programs of one of them at a time, as told on stdin, so a benchmark can
 * time storms with and without them side by side, switching every storm (bench/netwatch-overhead.sh).
 * Each stdin line is a number: 0 detaches everything, N attaches object N's programs (tracepoints as their
 * section says, cgroup/ programs to CGROUP2_ROOT). Prints "ok N" once done.
 * Usage: bpf-toggle CGROUP2_ROOT OBJECT.o... */
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_OBJECTS 8
#define MAX_LINKS 64

int main(int argc, char **argv)
{
    struct bpf_object *objects[MAX_OBJECTS] = {0};
    struct bpf_link *links[MAX_LINKS];
    struct bpf_program *prog;
    int cgroup, attached = 0;
    char line[32];

    if (argc < 3 || argc - 2 >= MAX_OBJECTS) {
        fprintf(stderr, "usage: bpf-toggle CGROUP2_ROOT OBJECT.o... (at most %d objects)\n", MAX_OBJECTS - 1);
        return 2;
    }
    cgroup = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (cgroup < 0) {
        perror(argv[1]);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        objects[i - 1] = bpf_object__open_file(argv[i], NULL);
        if (!objects[i - 1] || bpf_object__load(objects[i - 1])) {
            fprintf(stderr, "bpf-toggle: cannot load %s\n", argv[i]);
            return 2;
        }
    }
    while (fgets(line, sizeof(line), stdin)) {
        int n = atoi(line);

        while (attached > 0)
            bpf_link__destroy(links[--attached]);
        if (n > 0 && n < argc - 1) {
            bpf_object__for_each_program(prog, objects[n]) {
                struct bpf_link *link = strncmp(bpf_program__section_name(prog), "cgroup/", 7) == 0
                        ? bpf_program__attach_cgroup(prog, cgroup) : bpf_program__attach(prog);
                if (!link || attached == MAX_LINKS) {
                    fprintf(stderr, "bpf-toggle: cannot attach %s\n", bpf_program__name(prog));
                    return 2;
                }
                links[attached++] = link;
            }
        }
        printf("ok %d\n", n);
        fflush(stdout);
    }
    return 0;
}
