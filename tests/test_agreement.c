/* agreement: Spearman's rho and Kendall's tau-b equal R's cor() to 1e-12 on the recorded
   vectors (ties included); a constant vector has no agreement (NaN). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/agreement.h"
#include "analysis/table.h"
#include "check.h"

int main(int argc, char **argv)
{
    char path[600], line[512];
    table t;
    hia_error err;
    if (argc < 2)
        return 2;
    snprintf(path, sizeof(path), "%s/vectors.csv", argv[1]);
    CHECK(table_read_matrix(path, &t, &err) == 0);
    snprintf(path, sizeof(path), "%s/vectors.R", argv[1]);
    FILE *f = fopen(path, "r");
    int pairs = 0;
    double col[2][16];
    while (f && fgets(line, sizeof(line), f)) {
        char x[8], y[8];
        double rho_r, tau_r, rho;
        CHECK(sscanf(line, "%7s %7s %lf %lf", x, y, &rho_r, &tau_r) == 4);
        int cx = -1, cy = -1;
        for (int c = 0; c < t.n_cols; c++) {
            if (!strcmp(t.cols[c].name, x))
                cx = c;
            if (!strcmp(t.cols[c].name, y))
                cy = c;
        }
        CHECK(cx >= 0 && cy >= 0 && t.n_rows <= 16);
        for (int i = 0; i < t.n_rows; i++) {
            col[0][i] = table_at(&t, i, cx);
            col[1][i] = table_at(&t, i, cy);
        }
        rho = agreement_spearman(col[0], col[1], t.n_rows);
        double tau = agreement_kendall(col[0], col[1], t.n_rows);
        if (fabs(rho - rho_r) > 1e-12 || fabs(tau - tau_r) > 1e-12) {
            fprintf(stderr, "%s %s: rho %.17g (R %.17g), tau %.17g (R %.17g)\n", x, y, rho, rho_r,
                    tau, tau_r);
            check_failures++;
        }
        pairs++;
    }
    if (f)
        fclose(f);
    CHECK(pairs == 10);
    double flat[3] = {1, 1, 1}, up[3] = {1, 2, 3};
    CHECK(isnan(agreement_spearman(flat, up, 3)));
    CHECK(isnan(agreement_kendall(flat, up, 3)));
    CHECK(agreement_kendall(up, up, 3) == 1);
    table_free(&t);
    return CHECK_DONE();
}
