// oneDNN's C API (Debian libdnnl-dev), plus the few macro values Swift cannot import.
#pragma once
#include <oneapi/dnnl/dnnl.h>

static const int bv_dnnl_arg_src = DNNL_ARG_SRC;
static const int bv_dnnl_arg_dst = DNNL_ARG_DST;
static const int bv_dnnl_arg_weights = DNNL_ARG_WEIGHTS;
static const int bv_dnnl_arg_bias = DNNL_ARG_BIAS;
static const int bv_dnnl_arg_from = DNNL_ARG_FROM;
static const int bv_dnnl_arg_to = DNNL_ARG_TO;

/// DNNL_MEMORY_ALLOCATE: the library allocates (and owns) the memory object's buffer.
static inline void *bv_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
