/* hia report: the study's report, HTML and Markdown with SVG figures. */
#include "cli/commands.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/options.h"
#include "report/report.h"

static const command_help help = {
    "hia report STORE [-o DIR]",
    "Writes DIR/report.html (one self-contained file, figures inline), DIR/report.md (the same,\n"
    "figures linked) and the figures as .svg files: the ranking of the hyperparameters\n"
    "(N-RReliefF and fANOVA), its stability (ICC), the agreement of methods and datasets, the\n"
    "layer-wise view, fANOVA's marginals and interactions, the accuracies, the sweep's summary\n"
    "and the published study's top five beside this sweep's. Works mid-sweep.\n",
    NULL, "STORE", 1, 1};

int cmd_report(int argc, char **argv, hia_error *err)
{
    const char *dir = NULL;
    option opts[] = {
        OPT_STRING("-o", "DIR", &dir, "where to write (default results/<experiment>/)"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc < 0 ? -1 : 0;
    char *written;
    rc = report_write(argv[0], dir, &written, err);
    if (!rc)
        printf("report: %s/report.html (and report.md, %s/*.svg)\n", written, written);
    free(written);
    return rc;
}
