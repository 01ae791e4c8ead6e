/* A fork/open storm for self-protection tests: for SECONDS, fork children (each opens FILE read-only OPENS
 * times, tries a missing file OPENS times, and exits), one after another; then sleeps CALM seconds (still
 * followed, so a recorder can recover). Prints "children C opens O" (read-only opens that succeeded) on stdout.
 * Usage: fork-open-storm SECONDS CALM FILE [OPENS] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: fork-open-storm SECONDS CALM FILE [OPENS]\n");
        return 2;
    }
    double seconds = atof(argv[1]);
    int calm = atoi(argv[2]);
    const char *file = argv[3];
    long opens = argc > 4 ? atol(argv[4]) : 100;
    long children = 0, total = 0;
    double end = now() + seconds;

    while (now() < end) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            long ok = 0;
            for (long i = 0; i < opens; i++) {
                int fd = open(file, O_RDONLY);
                if (fd >= 0) {
                    ok++;
                    close(fd);
                }
                open("/nonexistent-fork-open-storm", O_RDONLY);
            }
            _exit(ok > 255 ? 255 : (int)ok);
        }
        int status;
        waitpid(pid, &status, 0);
        children++;
        total += WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    }
    printf("children %ld opens %ld\n", children, total);
    fflush(stdout);
    sleep(calm);
    return 0;
}
