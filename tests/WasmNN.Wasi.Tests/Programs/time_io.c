// Clocks, sleeping (poll_oneoff), randomness, stdin and stderr.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <wasi/api.h>

int main(void) {
    struct timespec a, b, res;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long elapsed = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("slept at least 50ms: %s\n", elapsed >= 50000000LL ? "yes" : "no");
    printf("monotonic resolution ok: %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 ? "yes" : "no");
    printf("realtime after 2020: %s\n", time(NULL) > 1577836800 ? "yes" : "no");
    __wasi_timestamp_t cpu = 0;
    printf("cputime errno: %d\n", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &cpu));
    printf("sched_yield: %d\n", sched_yield());

    unsigned char buf[64] = {0};
    int nonzero = 0;
    if (getentropy(buf, sizeof buf) == 0) for (int i = 0; i < 64; i++) nonzero |= buf[i];
    printf("random ok: %s\n", nonzero ? "yes" : "no");

    char line[256];
    int lines = 0;
    while (fgets(line, sizeof line, stdin)) {
        for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
        printf("stdin %d: %s", ++lines, line);
    }
    printf("stdin lines: %d\n", lines);
    fprintf(stderr, "to stderr\n");
    return 0;
}
