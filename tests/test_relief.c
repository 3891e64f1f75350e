/* relief: RReliefF weights equal Weka 3.6.14's ReliefFAttributeEval to 1e-9 on the recorded
   cases (tests/reference/relief/cases.txt, by tests/reference/record.sh): equal and rank
   weighting, all instances and java.util.Random-sampled ones, grids full of ties. Also the
   normalisation, the inactive-value rule and the refusals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/relief.h"
#include "check.h"
#include "base/yamldoc.h"

static void parse_options(char *text, relief_options *o)
{
    *o = (relief_options){.neighbours = 10, .sigma = 2};
    char *save = NULL;
    for (char *t = strtok_r(text, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *v = strtok_r(NULL, " ", &save);
        if (!v)
            break;
        if (!strcmp(t, "-K"))
            o->neighbours = atoi(v);
        else if (!strcmp(t, "--weighting"))
            o->rank_weighting = !strcmp(v, "rank");
        else if (!strcmp(t, "--sigma"))
            o->sigma = atof(v);
        else if (!strcmp(t, "--iterations"))
            o->iterations = atol(v);
        else if (!strcmp(t, "--seed"))
            o->seed = atoi(v);
    }
}

static void test_cases(const char *dir)
{
    char path[600], line[4096];
    snprintf(path, sizeof(path), "%s/cases.txt", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int cases = 0;
    while (f && fgets(line, sizeof(line), f)) {
        char *save = NULL;
        char *name = strtok_r(line, "|", &save), *opts = strtok_r(NULL, "|", &save);
        strtok_r(NULL, "|", &save);
        char *expected = strtok_r(NULL, "|\n", &save);
        char csv[700];
        snprintf(csv, sizeof(csv), "%s/%s.csv", dir, name);
        table t;
        hia_error err;
        table_options to = {0};
        relief_options o;
        CHECK(table_read_csv(csv, &to, &t, &err) == 0);
        char label[256];
        snprintf(label, sizeof(label), "%s %s", name, opts);
        parse_options(opts, &o);
        double w[16];
        CHECK(relief_weights(&t, &o, w, &err) == 0);
        char *s2 = NULL;
        int j = 0;
        for (char *v = strtok_r(expected, " ", &s2); v; v = strtok_r(NULL, " ", &s2), j++) {
            double want = atof(v);
            if (fabs(w[j] - want) > 1e-9) {
                fprintf(stderr, "%s: column %d: hia %.17g, Weka %.17g\n", label, j, w[j], want);
                check_failures++;
            }
        }
        CHECK(j == t.n_cols);
        table_free(&t);
        cases++;
    }
    if (f)
        fclose(f);
    CHECK(cases >= 9);
}

static void test_rules(void)
{
    char path[] = "/tmp/hia-test-relief-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    table t;
    hia_error err;
    table_options to = {0};
    double w[4], imp[4];
    /* a: decides the target; b: noise; c: constant; layer2: inactive in half the rows */
    FILE *f = fopen(path, "w");
    fprintf(f, "a,b,c,layer2,accuracy\n");
    for (int i = 0; i < 40; i++)
        fprintf(f, "%d,%d,7,%s,%g\n", i % 4, (i * 7) % 5, i % 2 ? "" : "3",
                0.1 * (i % 4) + 0.01 * ((i * 3) % 7));
    fclose(f);
    relief_options o = {.neighbours = 20, .sigma = 2}; /* more than a group of equal a */
    CHECK(table_read_csv(path, &to, &t, &err) == 0);
    CHECK(relief_weights(&t, &o, w, &err) == 0);
    relief_normalise(w, 4, imp);
    CHECK(w[0] > 0.3 && w[1] < 0 && w[2] == 0);
    CHECK(fabs(imp[0] + imp[1] + imp[2] + imp[3] - 1) < 1e-12 && imp[2] == 0);
    table_free(&t);

    f = fopen(path, "w");
    fprintf(f, "a,accuracy\n1,0.5\n2,0.5\n3,0.5\n");
    fclose(f);
    CHECK(table_read_csv(path, &to, &t, &err) == 0);
    CHECK(relief_weights(&t, &o, w, &err) == -1);
    CHECK_MSG(err.msg, "does not vary");
    table_free(&t);
    unlink(path);
}

/* The sensitivity grid's shared computation gives each setting the weights relief_weights
   gives it with sorted ties (the data have no tied distances). */
static void test_grid(void)
{
    enum { N = 150, D = 3 };
    table t = {.n_rows = N, .n_cols = D, .target = "y"};
    table_column cols[D] = {{.name = "a"}, {.name = "b"}, {.name = "c"}};
    double x[N * D], y[N], w[D], grid[4 * D];
    t.cols = cols;
    t.x = x;
    t.y = y;
    unsigned s = 7;
    for (int i = 0; i < N * D; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (s >> 8) / 16777216.0;
    }
    for (int i = 0; i < N; i++)
        y[i] = x[i * D] * x[i * D] + 0.3 * x[i * D + 1];
    relief_options grid_o[4] = {{.neighbours = 5, .sorted_ties = 1},
                                {.neighbours = 20, .sorted_ties = 1},
                                {.neighbours = 20, .rank_weighting = 1, .sigma = 5.7, .sorted_ties = 1},
                                {.neighbours = 40, .rank_weighting = 1, .sigma = 2, .sorted_ties = 1}};
    hia_error err;
    for (int e = 0; e < 2; e++) {
        for (int k = 0; k < 4; k++)
            grid_o[k].euclidean = e;
        CHECK(relief_weights_grid(&t, grid_o, 4, grid, &err) == 0);
        for (int k = 0; k < 4; k++) {
            CHECK(relief_weights(&t, &grid_o[k], w, &err) == 0);
            for (int j = 0; j < D; j++)
                CHECK(fabs(w[j] - grid[k * D + j]) < 1e-12);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    test_cases(argv[1]);
    test_rules();
    test_grid();
    return CHECK_DONE();
}
