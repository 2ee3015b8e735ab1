// Allocates 1 MiB blocks until malloc fails, then reports how many it got.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int limit = argc > 1 ? atoi(argv[1]) : 1 << 30;
    int blocks = 0;
    while (blocks < limit) {
        char *p = malloc(1 << 20);
        if (!p) break;
        memset(p, 1, 1 << 20);
        blocks++;
    }
    printf("allocated %d MiB\n", blocks);
    return blocks < limit ? 2 : 0;
}
