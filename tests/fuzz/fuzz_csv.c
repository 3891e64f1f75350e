/* A fuzz target for hia analyze's CSV reader (libFuzzer): the input becomes a CSV file, read
   as a table (table_read_csv) and as an ICC matrix (table_read_matrix). Each must either give
   a consistent table (every value finite or missing, every level within its column's, within
   the limits) or refuse it with a user error that names the file; anything else aborts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/table.h"
#include "fuzz_file.h"

static void check_error(const char *path, const hia_error *err)
{
    if (err->status != HIA_EUSER || !strstr(err->msg, path)) {
        fprintf(stderr, "bad error (status %d): %s\n", err->status, err->msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_put(data, size);
    table t;
    hia_error err = {0};
    /* the options as a user might give them: a column forced categorical, one excluded */
    table_options o = {NULL, size & 1 ? "a" : NULL, NULL, size & 2 ? "b" : NULL};
    if (table_read_csv(path, &o, &t, &err) == 0) {
        if (t.n_rows < 2 || t.n_rows > TABLE_MAX_ROWS || t.n_cols < 1 ||
            t.n_cols > TABLE_MAX_COLUMNS || !t.target)
            abort();
        for (int c = 0; c < t.n_cols; c++) { /* a column without a value is refused */
            int any = 0;
            for (int i = 0; i < t.n_rows; i++)
                any |= !isnan(table_at(&t, i, c));
            if (!any)
                abort();
        }
        for (int i = 0; i < t.n_rows; i++) {
            if (!isfinite(t.y[i]))
                abort();
            for (int c = 0; c < t.n_cols; c++) {
                double v = table_at(&t, i, c);
                if (isinf(v) || (t.cols[c].categorical && !isnan(v) &&
                                 (v < 0 || v >= t.cols[c].n_levels || v != floor(v))))
                    abort();
            }
        }
        table_free(&t);
    } else {
        check_error(path, &err);
    }
    if (table_read_matrix(path, &t, &err) == 0) {
        for (size_t i = 0; i < (size_t)t.n_rows * (size_t)t.n_cols; i++)
            if (!isfinite(t.x[i]))
                abort();
        table_free(&t);
    } else {
        check_error(path, &err);
    }
    return 0;
}
