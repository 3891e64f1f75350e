/* fuzz_replay TARGET DIR...: runs a fuzz target over every file of the corpus folders, so
   what the fuzzer found stays fixed; TARGET picks what the target fuzzes (fuzz_formats: the
   format; the others take any word). Prints how many inputs ran; exits non-zero on none. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void fuzz_select(const char *target);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_cleanup(void);

int main(int argc, char **argv)
{
    int runs = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: fuzz_replay TARGET DIR...\n");
        return 2;
    }
    fuzz_select(argv[1]);
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 2; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        if (!d) {
            perror(argv[i]);
            return 1;
        }
        while ((e = readdir(d))) {
            char path[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            FILE *f = fopen(path, "rb");
            static uint8_t buf[1 << 22];
            size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
            if (!f || ferror(f)) {
                perror(path);
                return 1;
            }
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
            runs++;
        }
        closedir(d);
    }
    fuzz_cleanup();
    printf("%s: %d inputs replayed\n", argv[1], runs);
    return runs ? 0 : 1;
}
