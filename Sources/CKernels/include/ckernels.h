// Hand-vectorized float kernels with run-time CPU dispatch. Swift code is compiled for the
// baseline x86-64 ISA (SSE2), so loops that need AVX2/FMA to be fast live here, each behind
// `bv_has_avx2_fma()`; callers keep their portable Swift path for other CPUs.
#pragma once
#include <stddef.h>
#include <stdint.h>

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

// ---- Reduced-precision weights (`--precision fast`): rowdot_q8.c, rowdot_bf16.c. Same contract as bv_rowdot_avx2
// (out = (accumulate ? out : 0) + bias[j] + dot, each output one fixed operation sequence whatever `rows` is).

/// 1 when the CPU has AVX-512 F/DQ/BW/VL and VNNI (vpdpbusd), else 0.
int bv_has_avx512_vnni(void);
/// 1 when the CPU has AVX-512 F/DQ/BW/VL and BF16 (vdpbf16ps), else 0.
int bv_has_avx512_bf16(void);

/// w (n, k) → int8 q with the symmetric per-row scale max|w[j]| / 127 (nearest even, clamped to ±127);
/// sums[j] = Σ q[j, :] (the VNNI kernel's offset correction).
void bv_quantize_weights_q8(const float *w, ptrdiff_t n, ptrdiff_t k, int8_t *q, float *scales, int32_t *sums);
/// x (rows, k) → per-row int8 (scale max|x[r]| / 127), stored + 128 as u8 for vpdpbusd.
void bv_quantize_rows_q8(const float *x, ptrdiff_t rows, ptrdiff_t k, uint8_t *xq, float *scales);

/// dot = scale[j] · Σ float(q[j, i]) · x[r, i]: weights widened to fp32 in registers, bv_rowdot_avx512's
/// accumulation order (16 fused lanes, fmaf tail). Requires bv_has_avx512bw_vl() and bv_has_avx512f().
void bv_rowdot_q8_avx512(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                         float *out, ptrdiff_t ldo, const float *bias, int accumulate);
/// The same with bv_rowdot_avx2's order (8 fused lanes). Requires bv_has_avx2_fma().
void bv_rowdot_q8_avx2(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                       float *out, ptrdiff_t ldo, const float *bias, int accumulate);
/// The same as one multiply-then-add chain in k order, unfused (any CPU).
void bv_rowdot_q8_portable(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                           float *out, ptrdiff_t ldo, const float *bias, int accumulate);
/// dot = float(Σ xq[r, i] · q[j, i] − 128 · wsum[j]) · (xscale[r] · scale[j]) with exact int32 sums (vpdpbusd);
/// xq / xscale from bv_quantize_rows_q8. Requires bv_has_avx512_vnni().
void bv_rowdot_q8_vnni(const int8_t *q, const float *scale, const int32_t *wsum, ptrdiff_t k, ptrdiff_t n, const uint8_t *xq,
                       const float *xscale, ptrdiff_t rows, float *out, ptrdiff_t ldo, const float *bias, int accumulate);

/// float → bf16 (upper 16 bits, round to nearest even; NaN stays NaN).
void bv_to_bf16(const float *src, ptrdiff_t count, uint16_t *dst);
/// dot of bf16 w (n, k) and bf16 x (rows, k) with vdpbf16ps (16 fp32 lanes, pairs per lane, fmaf tail for k % 32).
/// Requires bv_has_avx512_bf16().
void bv_rowdot_bf16_dp(const uint16_t *w, ptrdiff_t k, ptrdiff_t n, const uint16_t *x, ptrdiff_t rows, float *out,
                       ptrdiff_t ldo, const float *bias, int accumulate);
/// dot of bf16 w (widened to fp32 in registers) and fp32 x, bv_rowdot_avx512's order. Requires bv_has_avx512bw_vl().
void bv_rowdot_bf16_dequant(const uint16_t *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out,
                            ptrdiff_t ldo, const float *bias, int accumulate);

#ifdef __cplusplus
}
#endif
