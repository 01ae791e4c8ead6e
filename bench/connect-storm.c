/* A loopback TCP connect storm: a child accepts and closes, the parent connects N times. Prints the storm's
 * seconds, connects/s and the CPU seconds (user + system) of both ends.
 * abortive (the default): each connection closed with a reset (SO_LINGER 0), so no TIME_WAIT exhausts the
 *   ephemeral ports; to a TCP camera every connection is an anomaly (a reset sent).
 * graceful: healthy connections, both ends close with a FIN; run in a network namespace of its own whose
 *   tcp_max_tw_buckets is 0 (closed without TIME_WAIT there, so the ports last; root needed).
 * Usage: connect-storm N [abortive|graceful] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* a network namespace with its loopback up and no TIME_WAIT sockets (graceful storms) */
static int own_namespace(void)
{
    struct ifreq lo = {.ifr_name = "lo"};
    int s, f;

    if (unshare(CLONE_NEWNET)) {
        perror("unshare(CLONE_NEWNET)");
        return 2;
    }
    s = socket(AF_INET, SOCK_DGRAM, 0);
    lo.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
    f = open("/proc/sys/net/ipv4/tcp_max_tw_buckets", O_WRONLY);
    if (s < 0 || ioctl(s, SIOCSIFFLAGS, &lo) || f < 0 || write(f, "0", 1) != 1) {
        perror("namespace set-up");
        return 2;
    }
    close(f);
    close(s);
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    int graceful = argc > 2 && strcmp(argv[2], "graceful") == 0;
    if (graceful && own_namespace())
        return 2;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
    struct linger lg = {1, 0};
    struct timespec t0, t1;

    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4096) || getsockname(l, (struct sockaddr *)&a, &len)) {
        perror("listen");
        return 2;
    }
    pid_t server = fork();
    if (server == 0) {
        for (;;) {
            int c = accept(l, NULL, NULL);
            if (c >= 0)
                close(c);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
            perror("connect");
            kill(server, SIGKILL);
            return 1;
        }
        if (!graceful)
            setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(s);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    kill(server, SIGKILL);
    waitpid(server, NULL, 0);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage self, child;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &child);   /* the server, reaped above */
    double cpu = self.ru_utime.tv_sec + self.ru_stime.tv_sec + child.ru_utime.tv_sec + child.ru_stime.tv_sec
                 + (self.ru_utime.tv_usec + self.ru_stime.tv_usec + child.ru_utime.tv_usec + child.ru_stime.tv_usec) / 1e6;
    printf("%.6f %.0f %.6f\n", secs, n / secs, cpu);   /* µs: a short storm is ~0.2 s */
    return 0;
}
