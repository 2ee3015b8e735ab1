// Prints its arguments and environment; exits with the number of arguments so the exit code is checked too.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    int n = 0;
    while (environ[n]) n++;
    char **sorted = malloc(sizeof(char *) * (n + 1));
    for (int i = 0; i < n; i++) sorted[i] = environ[i];
    qsort(sorted, n, sizeof(char *), compare);
    printf("envc=%d\n", n);
    for (int i = 0; i < n; i++) printf("env %s\n", sorted[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("MISSING=%s\n", getenv("MISSING") ? "set" : "(unset)");
    fprintf(stderr, "done\n");
    return argc;
}
