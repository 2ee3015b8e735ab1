// Unbounded recursion: must end in a "call stack exhausted" trap, not a crashed host. The call goes through
// a volatile function pointer so the compiler can neither turn it into a loop nor keep frames in linear
// memory (which would end in an out-of-bounds access instead).
#include <stdio.h>

static unsigned depth(unsigned n);
static unsigned (*volatile self)(unsigned) = depth;

static unsigned depth(unsigned n) { return self(n + 1) * 3 + n; }

int main(int argc, char **argv) {
    (void)argv;
    printf("recursing\n");
    fflush(stdout);
    return (int)self((unsigned)argc);
}
