// Hand-vectorized float kernels with run-time CPU dispatch. Swift code is compiled for the
// baseline x86-64 ISA (SSE2), so loops that need AVX2/FMA to be fast live here, each behind
// `bv_has_avx2_fma()`; callers keep their portable Swift path for other CPUs.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU supports AVX2 and FMA (x86-64 only), else 0.
int bv_has_avx2_fma(void);

/// Snake / SnakeBeta: y[i] = x[i] + invBeta * sin(alpha * x[i])^2 (y may alias x).
/// sin uses the Cephes sinf reduction and polynomials (as Tensors.VectorMath); a vector of 8 holding
/// |alpha*x| > 8192 or a non-finite value is computed with libm sinf. Requires bv_has_avx2_fma().
void bv_snake_avx2(const float *x, float *y, ptrdiff_t n, float alpha, float invBeta);

/// out[i] = sum over t < count of taps[t] * sources[t][i], for i < n (an FIR whose taps each read
/// from their own, already offset, source pointer). Requires bv_has_avx2_fma().
void bv_weighted_sum_avx2(const float *const *sources, const float *taps, int count, float *out, ptrdiff_t n);

/// Batch-invariant dot products: out[r * ldo + j] = (accumulate ? out[r * ldo + j] : 0) + bias[j] + w[j, :] · x[r, :]
/// (added in that order; bias may be NULL) for j < n, r < rows, with w (n, k) and x (rows, k) row-major. Every output
/// has the same operation sequence whatever `rows` is and whichever rows share the call (8-lane FMA accumulation in
/// k order, fixed lane reduction, fmaf tail). Requires bv_has_avx2_fma().
void bv_rowdot_avx2(const float *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out, ptrdiff_t ldo,
                    const float *bias, int accumulate);

/// 1 when the CPU supports AVX-512F, AVX-512DQ and FMA (x86-64 only), else 0.
int bv_has_avx512f(void);
/// 1 when the CPU also has AVX-512 BW and VL (what OpenBLAS's SkylakeX kernels use besides F and DQ).
int bv_has_avx512bw_vl(void);

/// bv_rowdot_avx2's contract with 16-lane accumulation (the halves added lane by lane, then bv_rowdot_avx2's
/// 8-lane reduction, fmaf tail for k % 16); the next weight rows are prefetched. Requires bv_has_avx512f().
void bv_rowdot_avx512(const float *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out, ptrdiff_t ldo,
                      const float *bias, int accumulate);

/// In-place softmax of one row: p[i] = exp(p[i] − max) / Σ exp(p[j] − max); a row of only −inf becomes zeros.
/// exp is the Cephes expf scheme in 8 lanes (≈1 ulp; 0 below ln FLT_MIN). Requires bv_has_avx2_fma().
void bv_softmax_row_avx2(float *p, ptrdiff_t n);

/// SiLU: y[i] = x[i] / (1 + exp(−x[i])) (y may alias x), same exp. Requires bv_has_avx2_fma().
void bv_silu_avx2(const float *x, float *y, ptrdiff_t n);

/// One chunk of a pool job.
typedef void (*bv_pool_task)(void *ctx, ptrdiff_t chunk);

/// Runs fn(ctx, c) for every c < chunks on the calling thread and the pool's workers (started on first use,
/// `workers` threads; they spin about 200 µs after a job before sleeping) and returns 0 when all are done.
/// Returns −1 without running anything when the pool is busy (another job, or a call from inside a job), when
/// it could not start, or when chunks exceeds its workers + 1: the caller then runs the work another way.
int bv_pool_run(ptrdiff_t chunks, int workers, bv_pool_task fn, void *ctx);

#ifdef __cplusplus
}
#endif
