// Never ends on its own: the time limit must stop it.
#include <stdio.h>

int main(void) {
    volatile unsigned counter = 0;
    printf("spinning\n");
    fflush(stdout);
    for (;;) counter++;
}
