/* icc: the six forms, F, df, p and 95% intervals equal R's psych::ICC(x, lmer = FALSE) to
   1e-9 on the recorded matrices (tests/reference/icc/NAME.psych, by tests/reference/record.sh),
   Shrout & Fleiss' own example among them; degenerate matrices are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/icc.h"
#include "analysis/table.h"
#include "check.h"

static void compare(const char *dir, const char *name)
{
    char path[700], line[1024];
    table t;
    hia_error err;
    icc_form f[6];
    snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
    CHECK(table_read_matrix(path, &t, &err) == 0);
    CHECK(icc_compute(t.x, t.n_rows, t.n_cols, f, &err) == 0);
    snprintf(path, sizeof(path), "%s/%s.psych", dir, name);
    FILE *in = fopen(path, "r");
    CHECK(in != NULL);
    for (int i = 0; in && i < 6 && fgets(line, sizeof(line), in); i++) {
        char type[16];
        double want[7];
        CHECK(sscanf(line, "%15s %lf %lf %lf %lf %lf %lf %lf", type, &want[0], &want[1],
                     &want[2], &want[3], &want[4], &want[5], &want[6]) == 8);
        CHECK(strcmp(type, f[i].type) == 0);
        double got[7] = {f[i].icc, f[i].f, f[i].df1, f[i].df2, f[i].p, f[i].lower, f[i].upper};
        for (int j = 0; j < 7; j++) {
            if (!(fabs(got[j] - want[j]) <= 1e-9)) {
                fprintf(stderr, "%s %s field %d: hia %.17g, psych %.17g\n", name, type, j,
                        got[j], want[j]);
                check_failures++;
            }
        }
    }
    if (in)
        fclose(in);
    table_free(&t);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    compare(argv[1], "shrout_fleiss");
    compare(argv[1], "subsamples");
    compare(argv[1], "noise");

    icc_form f[6];
    hia_error err;
    double one_rater[3] = {1, 2, 3};
    CHECK(icc_compute(one_rater, 3, 1, f, &err) == -1);
    CHECK_MSG(err.msg, "at least 2 targets and 2 raters");
    double shifted[6] = {1, 2, 3, 4, 5, 6}; /* rows 1 2 / 3 4 / 5 6: no residual */
    CHECK(icc_compute(shifted, 3, 2, f, &err) == -1);
    CHECK_MSG(err.msg, "no residual variance");
    double missing[4] = {1, NAN, 3, 4};
    CHECK(icc_compute(missing, 2, 2, f, &err) == -1);
    CHECK_MSG(err.msg, "row 1, column 2");
    CHECK(!strcmp(icc_reading(0.49), "poor") && !strcmp(icc_reading(0.5), "moderate") &&
          !strcmp(icc_reading(0.8), "good") && !strcmp(icc_reading(0.95), "excellent"));
    return CHECK_DONE();
}
