/* num: strict text-to-number conversions, for the command line and the YAML module alike:
   the whole text must be the number, in range and finite. */
#ifndef HIA_NUM_H
#define HIA_NUM_H

/* 0 on success; -1 for anything else (empty, trailing text, out of range). */
int parse_long(const char *s, long *out);
/* Also -1 for inf and nan. */
int parse_double(const char *s, double *out);
/* true/false, yes/no, 1/0. */
int parse_bool(const char *s, int *out);

#endif
