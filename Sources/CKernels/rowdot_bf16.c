// Batch-invariant row dot products against bf16 weight matrices (see include/ckernels.h, bv_rowdot_bf16_*).
// bf16 here is the upper half of an IEEE float32, rounded to nearest even (bv_to_bf16).
//   * "dpbf16" (AVX-512 BF16): x rows are rounded to bf16 too and VDPBF16PS accumulates pairs of products into 16
//     fp32 lanes over k = 0, 32, 64, … in order; lanes reduced as the fp32 kernels do; the k % 32 tail with fmaf on
//     the widened values.
//   * "dequant" (AVX-512F): the bf16 weights are widened to fp32 in registers (a 16-bit shift) and multiplied into
//     fp32 x with bv_rowdot_avx512's accumulation order; only the weights are rounded.
// Every output has one operation sequence whatever `rows` is; blocking (4 weight rows × up to 4 input rows) only
// interleaves independent accumulators.
#include "ckernels.h"
#include "rowdot_shared.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float bv_from_bf16(uint16_t v) {
    uint32_t u = (uint32_t)v << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint16_t bv_to_bf16_one(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u); // NaN stays a (quiet) NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

void bv_to_bf16(const float *src, ptrdiff_t count, uint16_t *dst) {
    for (ptrdiff_t i = 0; i < count; i++) dst[i] = bv_to_bf16_one(src[i]);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#if defined(__clang__) && __clang_major__ >= 18
#define BV_BF_512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,evex512,fma")))
#define BV_BF_DP __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512bf16,evex512,fma")))
#else
#define BV_BF_512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define BV_BF_DP __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512bf16,fma")))
#endif

int bv_has_avx512_bf16(void) {
    __builtin_cpu_init();
    return bv_has_avx512f() && bv_has_avx512bw_vl() && __builtin_cpu_supports("avx512bf16");
}

// ---- dpbf16

BV_BF_DP static inline float bv_dp_finish(__m512 acc, const uint16_t *w, const uint16_t *x, ptrdiff_t k) {
    float s = bv_reduce16(acc);
    for (ptrdiff_t i = k & ~(ptrdiff_t)31; i < k; i++) s = fmaf(bv_from_bf16(w[i]), bv_from_bf16(x[i]), s);
    return s;
}

#define BV_DP_BLOCK(R)                                                                                         \
    BV_BF_DP static void bv_dp_block4x##R(const uint16_t *w0, ptrdiff_t k, const uint16_t *x, float *out,      \
                                         ptrdiff_t ldo, const float *bias, int accumulate) {                   \
        const ptrdiff_t k32 = k & ~(ptrdiff_t)31;                                                             \
        const uint16_t *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;                                              \
        __m512 a0[R], a1[R], a2[R], a3[R];                                                                    \
        for (int q = 0; q < R; q++) { a0[q] = _mm512_setzero_ps(); a1[q] = a0[q]; a2[q] = a0[q]; a3[q] = a0[q]; } \
        for (ptrdiff_t i = 0; i < k32; i += 32) {                                                             \
            _mm_prefetch((const char *)(w3 + k + 4 * i), _MM_HINT_T1);                                        \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 32), _MM_HINT_T1);                                   \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 64), _MM_HINT_T1);                                   \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 96), _MM_HINT_T1);                                   \
            __m512bh v0 = (__m512bh)_mm512_loadu_si512(w0 + i), v1 = (__m512bh)_mm512_loadu_si512(w1 + i);   \
            __m512bh v2 = (__m512bh)_mm512_loadu_si512(w2 + i), v3 = (__m512bh)_mm512_loadu_si512(w3 + i);   \
            for (int q = 0; q < R; q++) {                                                                     \
                __m512bh xv = (__m512bh)_mm512_loadu_si512(x + q * k + i);                                    \
                a0[q] = _mm512_dpbf16_ps(a0[q], v0, xv);                                                      \
                a1[q] = _mm512_dpbf16_ps(a1[q], v1, xv);                                                      \
                a2[q] = _mm512_dpbf16_ps(a2[q], v2, xv);                                                      \
                a3[q] = _mm512_dpbf16_ps(a3[q], v3, xv);                                                      \
            }                                                                                                 \
        }                                                                                                     \
        for (int q = 0; q < R; q++) {                                                                         \
            const uint16_t *xr = x + q * k;                                                                   \
            float *o = out + q * ldo;                                                                         \
            bv_rowdot_store(o + 0, bias, 0, accumulate, bv_dp_finish(a0[q], w0, xr, k));                          \
            bv_rowdot_store(o + 1, bias, 1, accumulate, bv_dp_finish(a1[q], w1, xr, k));                          \
            bv_rowdot_store(o + 2, bias, 2, accumulate, bv_dp_finish(a2[q], w2, xr, k));                          \
            bv_rowdot_store(o + 3, bias, 3, accumulate, bv_dp_finish(a3[q], w3, xr, k));                          \
        }                                                                                                     \
    }
BV_DP_BLOCK(4)
BV_DP_BLOCK(3)
BV_DP_BLOCK(2)
BV_DP_BLOCK(1)

BV_BF_DP
void bv_rowdot_bf16_dp(const uint16_t *w, ptrdiff_t k, ptrdiff_t n, const uint16_t *x, ptrdiff_t rows, float *out,
                       ptrdiff_t ldo, const float *bias, int accumulate) {
    const ptrdiff_t k32 = k & ~(ptrdiff_t)31;
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const uint16_t *w0 = w + j * k;
        const float *b = bias ? bias + j : NULL;
        ptrdiff_t r = 0;
        for (; r + 4 <= rows; r += 4) bv_dp_block4x4(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate);
        switch (rows - r) {
        case 3: bv_dp_block4x3(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        case 2: bv_dp_block4x2(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        case 1: bv_dp_block4x1(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        default: break;
        }
    }
    for (; j < n; j++) {
        const uint16_t *w0 = w + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const uint16_t *xr = x + r * k;
            __m512 a0 = _mm512_setzero_ps();
            for (ptrdiff_t i = 0; i < k32; i += 32)
                a0 = _mm512_dpbf16_ps(a0, (__m512bh)_mm512_loadu_si512(w0 + i), (__m512bh)_mm512_loadu_si512(xr + i));
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, bv_dp_finish(a0, w0, xr, k));
        }
    }
}

// ---- dequant (bf16 weights, fp32 x)

BV_BF_512 static inline __m512 bv_bf_load16(const uint16_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p)), 16));
}

BV_BF_512 static inline float bv_bf_finish16(__m512 acc, const uint16_t *w, const float *x, ptrdiff_t k) {
    float s = bv_reduce16(acc);
    for (ptrdiff_t i = k & ~(ptrdiff_t)15; i < k; i++) s = fmaf(bv_from_bf16(w[i]), x[i], s);
    return s;
}

#define BV_BFD_BLOCK(R)                                                                                        \
    BV_BF_512 static void bv_bfd_block4x##R(const uint16_t *w0, ptrdiff_t k, const float *x, float *out,       \
                                           ptrdiff_t ldo, const float *bias, int accumulate) {                 \
        const ptrdiff_t k16 = k & ~(ptrdiff_t)15;                                                             \
        const uint16_t *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;                                              \
        __m512 a0[R], a1[R], a2[R], a3[R];                                                                    \
        for (int q = 0; q < R; q++) { a0[q] = _mm512_setzero_ps(); a1[q] = a0[q]; a2[q] = a0[q]; a3[q] = a0[q]; } \
        for (ptrdiff_t i = 0; i < k16; i += 16) {                                                             \
            _mm_prefetch((const char *)(w3 + k + 4 * i), _MM_HINT_T1);                                        \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 32), _MM_HINT_T1);                                   \
            __m512 v0 = bv_bf_load16(w0 + i), v1 = bv_bf_load16(w1 + i);                                      \
            __m512 v2 = bv_bf_load16(w2 + i), v3 = bv_bf_load16(w3 + i);                                      \
            for (int q = 0; q < R; q++) {                                                                     \
                __m512 xv = _mm512_loadu_ps(x + q * k + i);                                                   \
                a0[q] = _mm512_fmadd_ps(v0, xv, a0[q]);                                                       \
                a1[q] = _mm512_fmadd_ps(v1, xv, a1[q]);                                                       \
                a2[q] = _mm512_fmadd_ps(v2, xv, a2[q]);                                                       \
                a3[q] = _mm512_fmadd_ps(v3, xv, a3[q]);                                                       \
            }                                                                                                 \
        }                                                                                                     \
        for (int q = 0; q < R; q++) {                                                                         \
            const float *xr = x + q * k;                                                                      \
            float *o = out + q * ldo;                                                                         \
            bv_rowdot_store(o + 0, bias, 0, accumulate, bv_bf_finish16(a0[q], w0, xr, k));                        \
            bv_rowdot_store(o + 1, bias, 1, accumulate, bv_bf_finish16(a1[q], w1, xr, k));                        \
            bv_rowdot_store(o + 2, bias, 2, accumulate, bv_bf_finish16(a2[q], w2, xr, k));                        \
            bv_rowdot_store(o + 3, bias, 3, accumulate, bv_bf_finish16(a3[q], w3, xr, k));                        \
        }                                                                                                     \
    }
BV_BFD_BLOCK(4)
BV_BFD_BLOCK(3)
BV_BFD_BLOCK(2)
BV_BFD_BLOCK(1)

BV_BF_512
void bv_rowdot_bf16_dequant(const uint16_t *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out,
                            ptrdiff_t ldo, const float *bias, int accumulate) {
    const ptrdiff_t k16 = k & ~(ptrdiff_t)15;
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const uint16_t *w0 = w + j * k;
        const float *b = bias ? bias + j : NULL;
        ptrdiff_t r = 0;
        for (; r + 4 <= rows; r += 4) bv_bfd_block4x4(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate);
        switch (rows - r) {
        case 3: bv_bfd_block4x3(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        case 2: bv_bfd_block4x2(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        case 1: bv_bfd_block4x1(w0, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        default: break;
        }
    }
    for (; j < n; j++) {
        const uint16_t *w0 = w + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const float *xr = x + r * k;
            __m512 a0 = _mm512_setzero_ps();
            for (ptrdiff_t i = 0; i < k16; i += 16) a0 = _mm512_fmadd_ps(bv_bf_load16(w0 + i), _mm512_loadu_ps(xr + i), a0);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, bv_bf_finish16(a0, w0, xr, k));
        }
    }
}

#else

int bv_has_avx512_bf16(void) { return 0; }

void bv_rowdot_bf16_dp(const uint16_t *w, ptrdiff_t k, ptrdiff_t n, const uint16_t *x, ptrdiff_t rows, float *out,
                       ptrdiff_t ldo, const float *bias, int accumulate) {
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t r = 0; r < rows; r++) {
            float s = 0;
            for (ptrdiff_t i = 0; i < k; i++) s = fmaf(bv_from_bf16(w[j * k + i]), bv_from_bf16(x[r * k + i]), s);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, s);
        }
}

void bv_rowdot_bf16_dequant(const uint16_t *w, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows, float *out,
                            ptrdiff_t ldo, const float *bias, int accumulate) {
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t r = 0; r < rows; r++) {
            float s = 0;
            for (ptrdiff_t i = 0; i < k; i++) s = fmaf(bv_from_bf16(w[j * k + i]), x[r * k + i], s);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, s);
        }
}

#endif
