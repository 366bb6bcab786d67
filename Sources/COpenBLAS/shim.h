// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config name `openblas`).
#include <cblas.h>
// Threads are an explicit setting of the caller, never hidden state (see XSNN.BLAS).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
