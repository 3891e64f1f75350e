/* The six intraclass correlation forms with their F tests and 95% intervals. */
#include "analysis/icc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#define ALPHA 0.05

static double qf(double p, double df1, double df2)
{
    return gsl_cdf_fdist_Pinv(p, df1, df2);
}

int icc_compute(const double *x, int n, int k, icc_form forms[6], hia_error *err)
{
    if (n < 2 || k < 2)
        return hia_fail(err, HIA_EUSER, "ICC needs at least 2 targets and 2 raters (%d x %d)", n,
                        k);
    double grand = 0;
    for (int i = 0; i < n * k; i++) {
        if (!isfinite(x[i]))
            return hia_fail(err, HIA_EUSER, "ICC: value %d (row %d, column %d) is missing or not "
                            "finite", i + 1, i / k + 1, i % k + 1);
        grand += x[i];
    }
    grand /= (double)n * k;
    double ssr = 0, ssc = 0, sst = 0;
    for (int i = 0; i < n; i++) {
        double m = 0;
        for (int j = 0; j < k; j++)
            m += x[i * k + j];
        m /= k;
        ssr += (m - grand) * (m - grand);
    }
    for (int j = 0; j < k; j++) {
        double m = 0;
        for (int i = 0; i < n; i++)
            m += x[i * k + j];
        m /= n;
        ssc += (m - grand) * (m - grand);
    }
    for (int i = 0; i < n * k; i++)
        sst += (x[i] - grand) * (x[i] - grand);
    ssr *= k;
    ssc *= n;
    double sse = sst - ssr - ssc;
    double msb = ssr / (n - 1), msj = ssc / (k - 1);
    double mse = sse / ((double)(n - 1) * (k - 1));
    double msw = (ssc + sse) / ((double)(k - 1) + (double)(n - 1) * (k - 1));
    if (!(mse > 0) || !(msw > 0))
        return hia_fail(err, HIA_EUSER, "ICC: no residual variance (every row is a constant "
                        "shift of the others): the ratios are undefined");

    double icc1 = (msb - msw) / (msb + (k - 1) * msw);
    double icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n);
    double icc3 = (msb - mse) / (msb + (k - 1) * mse);
    double f11 = msb / msw, df11n = n - 1, df11d = (double)n * (k - 1);
    double f21 = msb / mse, df21n = n - 1, df21d = (double)(n - 1) * (k - 1);
    double p11 = gsl_cdf_fdist_Q(f11, df11n, df11d), p21 = gsl_cdf_fdist_Q(f21, df21n, df21d);

    double f1l = f11 / qf(1 - ALPHA / 2, df11n, df11d), f1u = f11 * qf(1 - ALPHA / 2, df11d, df11n);
    double f3l = f21 / qf(1 - ALPHA / 2, df21n, df21d), f3u = f21 * qf(1 - ALPHA / 2, df21d, df21n);
    /* ICC2's interval: Satterthwaite's degrees of freedom */
    double fj = msj / mse;
    double a = n * (1 + (k - 1) * icc2) - k * icc2;
    double vn = (double)(k - 1) * (n - 1) * pow(k * icc2 * fj + a, 2);
    double vd = (double)(n - 1) * k * k * icc2 * icc2 * fj * fj + a * a;
    double v = vn / vd;
    double fu = qf(1 - ALPHA / 2, n - 1, v), fl = qf(1 - ALPHA / 2, v, n - 1);
    double c = k * msj + ((double)k * n - k - n) * mse;
    double l2 = n * (msb - fu * mse) / (fu * c + n * msb);
    double u2 = n * (fl * msb - mse) / (c + n * fl * msb);

    icc_form f[6] = {
        {"ICC1", "Single_raters_absolute", icc1, f11, df11n, df11d, p11,
         (f1l - 1) / (f1l + (k - 1)), (f1u - 1) / (f1u + k - 1)},
        {"ICC2", "Single_random_raters", icc2, f21, df21n, df21d, p21, l2, u2},
        {"ICC3", "Single_fixed_raters", icc3, f21, df21n, df21d, p21,
         (f3l - 1) / (f3l + k - 1), (f3u - 1) / (f3u + k - 1)},
        {"ICC1k", "Average_raters_absolute", (msb - msw) / msb, f11, df11n, df11d, p11,
         1 - 1 / f1l, 1 - 1 / f1u},
        {"ICC2k", "Average_random_raters", (msb - mse) / (msb + (msj - mse) / n), f21, df21n,
         df21d, p21, l2 * k / (1 + l2 * (k - 1)), u2 * k / (1 + u2 * (k - 1))},
        {"ICC3k", "Average_fixed_raters", (msb - mse) / msb, f21, df21n, df21d, p21, 1 - 1 / f3l,
         1 - 1 / f3u},
    };
    for (int i = 0; i < 6; i++)
        forms[i] = f[i];
    return 0;
}

const char *icc_reading(double lower)
{
    if (lower < 0.5)
        return "poor";
    if (lower < 0.75)
        return "moderate";
    if (lower < 0.9)
        return "good";
    return "excellent";
}
