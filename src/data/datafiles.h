/* datafiles: a described dataset's files on disk: checking each against its recorded size
   and sha256, and fetching them (curl), checked before they are kept, archives unpacked with
   tar or unzip. */
#ifndef HIA_DATAFILES_H
#define HIA_DATAFILES_H

#include <stdio.h>

#include "data/descriptor.h"

enum { FILE_OK, FILE_MISSING, FILE_BAD };

/* Checks one file of d; *problem says what is wrong (FILE_MISSING, FILE_BAD). Returns the
   state, or -1 when the file cannot be read. */
int datafiles_check(const dataset_desc *d, const dataset_file *f, char *problem, size_t len,
                    hia_error *err);
/* Whether every split file of d exists (no checksums: cheap, for listings). */
int datafiles_present(const dataset_desc *d);
/* Downloads d's fetch entries into its folder (URLs with their folder replaced by mirror
   when given), checks each, unpacks, then checks d's files. Progress goes to log. */
int datafiles_fetch(const dataset_desc *d, const char *mirror, FILE *log, hia_error *err);

#endif
