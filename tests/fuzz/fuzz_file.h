/* fuzz_file: for the fuzz targets that read one file (fuzz_config.c, fuzz_csv.c): the
   temporary file each input is written to, and the entry points fuzz_replay and libFuzzer
   call besides the target's LLVMFuzzerTestOneInput. */
#ifndef HIA_FUZZ_FILE_H
#define HIA_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_select(const char *target);
void fuzz_cleanup(void);

/* Writes the input to the temporary file; its path. */
const char *fuzz_file_put(const uint8_t *data, size_t size);

#endif
