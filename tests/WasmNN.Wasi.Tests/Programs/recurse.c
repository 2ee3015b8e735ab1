// Unbounded recursion: must end in a "call stack exhausted" trap, not a crashed host.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int depth(volatile int n) {
    volatile char pad[16];
    pad[n & 15] = (char)n;
    return depth(n + 1) + pad[0];
}

int main(int argc, char **argv) {
    printf("recursing\n");
    fflush(stdout);
    return depth(argc);
}
