// Allocates 1 MiB blocks until malloc fails, then reports how many it got. The blocks are kept in a
// volatile array so the compiler cannot elide the allocations.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *volatile kept[4096];

int main(int argc, char **argv) {
    int limit = argc > 1 ? atoi(argv[1]) : 4096;
    int blocks = 0;
    while (blocks < limit && blocks < 4096) {
        char *p = malloc(1 << 20);
        if (!p) break;
        memset(p, 1, 1 << 20);
        kept[blocks++] = p;
    }
    printf("allocated %d MiB\n", blocks);
    return blocks < limit ? 2 : 0;
}
