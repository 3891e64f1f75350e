/* report_doc: every text escaped for where it goes. Figures named by anything (a '/', "..",
   bytes that are not UTF-8, names that differ only in case or in what is not kept) get files
   of safe, distinct names inside the report's folder; Markdown shows names and reasons as
   written (no link, image, HTML or line break of theirs); HTML and SVG text is escaped and
   well-formed. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "report/report_doc.h"

static int exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void figure(report_doc *d, const char *name)
{
    strbuf s;
    svg_begin(&s, 10, 10, name);
    svg_text(&s, 1, 1, "start", 10, 0, name);
    svg_end(&s);
    doc_figure(d, name, &s, name);
}

int main(void)
{
    char top[] = "/tmp/hia-test-report-XXXXXX", dir[64];
    if (!mkdtemp(top))
        return 2;
    snprintf(dir, sizeof(dir), "%s/rep", top);
    CHECK(mkdir(dir, 0755) == 0);
    hia_error err = {0};
    report_doc d;
    doc_begin(&d, dir, "hia report: <b>x</b>", &err);
    const char *names[] = {"a/b", "a_b", "A_B", "../x", "", "\xff\xfe", "marginal-\"><img src=x>"};
    const char *files[] = {"a_b.svg", "a_b-2.svg", "A_B-3.svg", "___x.svg", "figure.svg",
                           "__.svg", "marginal-___img_src_x_.svg"};
    for (int i = 0; i < 7; i++)
        figure(&d, names[i]);
    doc_para(&d, "%s", "[x](javascript:alert(1)) <img src=x onerror=alert(9)> *b* _u_ "
                       "snake_case a|b `c` $m$ &amp;\nlines\x01 \xff end");
    doc_table(&d, 2, "name", "reason");
    doc_row(&d, 2, "![i](x.png)", "# not a heading\n- not a list");
    doc_table_end(&d);
    CHECK(doc_finish(&d) == 0);
    const char *html = strbuf_str(&d.html), *md = strbuf_str(&d.md);
    for (int i = 0; i < 7; i++) {
        CHECK(exists(dir, files[i]));
        if (!exists(dir, files[i]))
            fprintf(stderr, "no %s\n", files[i]);
    }
    CHECK(!exists(top, "x.svg") && !exists(top, "_x.svg"));
    CHECK_MSG(html, "id=\"fig-a_b\"", "id=\"fig-a_b-2\"", "id=\"fig-A_B-3\"",
              "<h1>hia report: &lt;b&gt;x&lt;/b&gt;</h1>",
              "&lt;img src=x onerror=alert(9)&gt;", "\xEF\xBF\xBD", "marginal-&quot;&gt;&lt;img");
    CHECK(!strstr(html, "<img") && !strstr(html, "<b>") && !strstr(html, "\xff"));
    CHECK_MSG(md, "# hia report: \\<b\\>x\\</b\\>\n",
              "\\[x\\](javascript:alert(1)) \\<img src=x onerror=alert(9)\\> \\*b\\* \\_u\\_ "
              "snake_case a\\|b \\`c\\` \\$m\\$ \\&amp; lines  \xEF\xBF\xBD end\n",
              "| \\!\\[i\\](x.png) | \\# not a heading - not a list |",
              "![marginal-\"\\>\\<img src=x\\>](marginal-___img_src_x_.svg)");
    CHECK(!strstr(md, "\xff") && !strstr(md, "\nlines") && !strstr(md, "\n- not"));
    doc_free(&d);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    CHECK(system(cmd) == 0);
    return CHECK_DONE();
}
