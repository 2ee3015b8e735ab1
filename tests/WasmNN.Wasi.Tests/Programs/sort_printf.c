// Sorting and number formatting: qsort, printf of floats in every style, strtod round trips.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    uint32_t state = 12345;
    double values[200];
    for (int i = 0; i < 200; i++) {
        state = state * 1103515245u + 12345u;
        values[i] = ((double)(state >> 8) / (1 << 24) - 0.5) * pow(10.0, (i % 17) - 8);
    }
    qsort(values, 200, sizeof(double), by_double);
    for (int i = 0; i < 200; i += 7) printf("%3d %.17g %e %g %a %12.4f\n", i, values[i], values[i], values[i], values[i], values[i]);

    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi", "lemon"};
    qsort(words, 10, sizeof(char *), by_string);
    for (int i = 0; i < 10; i++) printf("%s%c", words[i], i == 9 ? '\n' : ' ');

    double specials[] = {0.0, -0.0, 1.0 / 3.0, 1e308, 5e-324, INFINITY, -INFINITY, NAN, 123456789.125, 0.1 + 0.2};
    for (int i = 0; i < 10; i++) printf("%f|%.0f|%.3e|%G|%-10.2g|%+.5f\n", specials[i], specials[i], specials[i], specials[i], specials[i], specials[i]);

    const char *texts[] = {"3.14159", "1e-10", "-2.5E+3", "0x1.8p1", "inf", "nan", "12abc"};
    for (int i = 0; i < 7; i++) {
        char *end;
        double d = strtod(texts[i], &end);
        printf("strtod(%s) = %.17g rest=[%s]\n", texts[i], d, end);
    }
    printf("%d %i %u %x %X %o %lld %llu %5d|%-5d|%05d %c %s %%\n", -42, 42, 4000000000u, 255, 255, 8,
           -9223372036854775807LL - 1, 18446744073709551615ULL, 7, 7, 7, 'Z', "str");
    float f = 1.1f;
    printf("float %.9g sqrt %.17g sin %.17g exp %.17g log %.17g\n", f, sqrt(2.0), sin(1.0), exp(1.0), log(10.0));
    return 0;
}
