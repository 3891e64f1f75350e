/* cpu: OpenBLAS's kernels for this CPU. Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks its
   kernels by CPU model when it loads; a model it does not know (newer Xeons, most virtual
   machines) gets the SSE3 "Prescott" kernels, 5x slower than the AVX-512 ones on the same
   machine. OpenBLAS only reads OPENBLAS_CORETYPE while loading, so hia sets it from the CPU's
   own feature flags and starts itself again, once. */
#ifndef HIA_CPU_H
#define HIA_CPU_H

/* Called first in main; returns (doing nothing) when OpenBLAS already runs the right kernels,
   OPENBLAS_CORETYPE is set by the user, or re-executing fails. */
void cpu_fix_blas_kernels(char **argv);

#endif
