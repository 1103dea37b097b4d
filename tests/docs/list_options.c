/* Prints the library's option table through its public API, one entry a
 * line: name, type, default ("-": none), description, tab-separated. Read
 * by check_options.py (a program, not ctypes, so that it runs under the
 * sanitizers too). */
#include <stdio.h>

#include "otel/otel.h"

int main(void) {
    size_t n = 0;
    for (const otel_option_info *i = otel_option_next(NULL); i; i = otel_option_next(i), n++) {
        const char *def = otel_option_info_default(i);
        printf("%s\t%d\t%s\t%s\n", otel_option_info_name(i), otel_option_info_type(i), def ? def : "-",
               otel_option_info_description(i));
    }
    if (n != otel_option_count()) {
        fprintf(stderr, "otel_option_next walked %zu entries, otel_option_count() says %zu\n", n,
                otel_option_count());
        return 1;
    }
    return 0;
}
