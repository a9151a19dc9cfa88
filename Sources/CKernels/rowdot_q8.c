// Batch-invariant row dot products against weight-only int8 matrices (see include/ckernels.h, bv_rowdot_q8_*).
// A weight row j is stored as int8 q[j, :] with one symmetric fp32 scale s[j] (w ≈ s · q). Two ways to multiply:
//   * "dequant" (AVX-512F / AVX2 / portable): q is widened to fp32 in registers and multiplied into fp32 x with
//     the fp32 kernels' accumulation order (16 or 8 lanes, fused, k order, fixed lane reduction, fmaf tail); the
//     dot is then multiplied by s[j]. Only the weights are rounded.
//   * "vnni" (AVX-512 VNNI): each x row is first quantized to int8 with its own scale (bv_quantize_rows_q8, stored
//     offset by +128 as u8) and vpdpbusd sums u8 · s8 products exactly in int32; the dot is
//     (Σ (xq + 128) · q − 128 · Σ q) · sx · s[j]. Integer sums are exact, so every order gives the same result.
// In both, every output has one operation sequence whatever `rows` is and whichever rows share the call; the
// blocking (4 weight rows × up to 4 input rows per pass) only interleaves independent accumulators.
#include "ckernels.h"
#include "rowdot_shared.h"
#include <math.h>
#include <stdint.h>

/// out = (accumulate ? out : 0) + bias[j] + dot, added in that order.
/// Portable dequant kernel: one multiply-then-add chain per output in k order (two statements, so the compiler
/// cannot contract them into an fma that a CPU without FMA would emulate in software), times the row scale.
void bv_rowdot_q8_portable(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                           float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t r = 0; r < rows; r++) {
            const int8_t *w = q + j * k;
            const float *xa = x + r * k;
            float s = 0;
            for (ptrdiff_t i = 0; i < k; i++) {
                float p = (float)w[i] * xa[i];
                s += p;
            }
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, s * scale[j]);
        }
}

/// Row i of x (k values) → int8 with scale max|x| / 127 (0 for an all-zero row), stored + 128 as u8.
void bv_quantize_rows_q8(const float *x, ptrdiff_t rows, ptrdiff_t k, uint8_t *xq, float *scales) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *xa = x + r * k;
        float m = 0;
        for (ptrdiff_t i = 0; i < k; i++) m = fmaxf(m, fabsf(xa[i]));
        float s = m / 127.0f, inv = m > 0 ? 127.0f / m : 0.0f;
        scales[r] = s;
        for (ptrdiff_t i = 0; i < k; i++) {
            float v = nearbyintf(xa[i] * inv);
            if (v > 127) v = 127;
            if (v < -127) v = -127;
            xq[r * k + i] = (uint8_t)((int)v + 128);
        }
    }
}

/// w[j, :] → int8 with the symmetric per-row scale max|w| / 127 (round to nearest even).
void bv_quantize_weights_q8(const float *w, ptrdiff_t n, ptrdiff_t k, int8_t *q, float *scales, int32_t *sums) {
    for (ptrdiff_t j = 0; j < n; j++) {
        const float *wr = w + j * k;
        float m = 0;
        for (ptrdiff_t i = 0; i < k; i++) m = fmaxf(m, fabsf(wr[i]));
        float inv = m > 0 ? 127.0f / m : 0.0f;
        scales[j] = m / 127.0f;
        int32_t sum = 0;
        for (ptrdiff_t i = 0; i < k; i++) {
            float v = nearbyintf(wr[i] * inv);
            if (v > 127) v = 127;
            if (v < -127) v = -127;
            q[j * k + i] = (int8_t)v;
            sum += (int32_t)v;
        }
        sums[j] = sum;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#if defined(__clang__) && __clang_major__ >= 18
#define BV_Q8_512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,evex512,fma")))
#define BV_Q8_VNNI __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512vnni,evex512,fma")))
#else
#define BV_Q8_512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define BV_Q8_VNNI __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512vnni,fma")))
#endif

int bv_has_avx512_vnni(void) {
    __builtin_cpu_init();
    return bv_has_avx512f() && bv_has_avx512bw_vl() && __builtin_cpu_supports("avx512vnni");
}

// ---- dequant, AVX-512: 16 lanes, (0..7)+(8..15), then ((0+4)+(2+6))+((1+5)+(3+7)), fmaf tail for k % 16.

BV_Q8_512 static inline float bv_q8_finish16(const int8_t *w, const float *x, ptrdiff_t k, __m512 acc) {
    float s = bv_reduce16(acc);
    for (ptrdiff_t i = k & ~(ptrdiff_t)15; i < k; i++) s = fmaf((float)w[i], x[i], s);
    return s;
}

BV_Q8_512 static inline __m512 bv_q8_load16(const int8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p)));
}

/// Weight rows w0…w3 × input rows x0…x(R−1) (R ≤ 4), dequantized in registers.
#define BV_Q8_BLOCK(R)                                                                                         \
    BV_Q8_512 static void bv_q8_block4x##R(const int8_t *w0, const float *sc, ptrdiff_t k, const float *x,     \
                                           float *out, ptrdiff_t ldo, const float *bias, int accumulate) {     \
        const ptrdiff_t k16 = k & ~(ptrdiff_t)15;                                                             \
        const int8_t *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;                                                \
        __m512 a0[R], a1[R], a2[R], a3[R];                                                                    \
        for (int q = 0; q < R; q++) { a0[q] = _mm512_setzero_ps(); a1[q] = a0[q]; a2[q] = a0[q]; a3[q] = a0[q]; } \
        for (ptrdiff_t i = 0; i < k16; i += 16) {                                                             \
            _mm_prefetch((const char *)(w3 + k + 4 * i), _MM_HINT_T1);                                        \
            __m512 v0 = bv_q8_load16(w0 + i), v1 = bv_q8_load16(w1 + i);                                      \
            __m512 v2 = bv_q8_load16(w2 + i), v3 = bv_q8_load16(w3 + i);                                      \
            for (int q = 0; q < R; q++) {                                                                     \
                __m512 xv = _mm512_loadu_ps(x + q * k + i);                                                   \
                a0[q] = _mm512_fmadd_ps(v0, xv, a0[q]);                                                       \
                a1[q] = _mm512_fmadd_ps(v1, xv, a1[q]);                                                       \
                a2[q] = _mm512_fmadd_ps(v2, xv, a2[q]);                                                       \
                a3[q] = _mm512_fmadd_ps(v3, xv, a3[q]);                                                       \
            }                                                                                                 \
        }                                                                                                     \
        for (int q = 0; q < R; q++) {                                                                         \
            const float *xq = x + q * k;                                                                      \
            float *o = out + q * ldo;                                                                         \
            bv_rowdot_store(o + 0, bias, 0, accumulate, bv_q8_finish16(w0, xq, k, a0[q]) * sc[0]);                \
            bv_rowdot_store(o + 1, bias, 1, accumulate, bv_q8_finish16(w1, xq, k, a1[q]) * sc[1]);                \
            bv_rowdot_store(o + 2, bias, 2, accumulate, bv_q8_finish16(w2, xq, k, a2[q]) * sc[2]);                \
            bv_rowdot_store(o + 3, bias, 3, accumulate, bv_q8_finish16(w3, xq, k, a3[q]) * sc[3]);                \
        }                                                                                                     \
    }
BV_Q8_BLOCK(4)
BV_Q8_BLOCK(3)
BV_Q8_BLOCK(2)
BV_Q8_BLOCK(1)

BV_Q8_512
void bv_rowdot_q8_avx512(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                         float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    const ptrdiff_t k16 = k & ~(ptrdiff_t)15;
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const int8_t *w0 = q + j * k;
        const float *b = bias ? bias + j : NULL;
        ptrdiff_t r = 0;
        for (; r + 4 <= rows; r += 4) bv_q8_block4x4(w0, scale + j, k, x + r * k, out + r * ldo + j, ldo, b, accumulate);
        switch (rows - r) {
        case 3: bv_q8_block4x3(w0, scale + j, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        case 2: bv_q8_block4x2(w0, scale + j, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        case 1: bv_q8_block4x1(w0, scale + j, k, x + r * k, out + r * ldo + j, ldo, b, accumulate); break;
        default: break;
        }
    }
    for (; j < n; j++) {
        const int8_t *w0 = q + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const float *xa = x + r * k;
            __m512 a0 = _mm512_setzero_ps();
            for (ptrdiff_t i = 0; i < k16; i += 16) a0 = _mm512_fmadd_ps(bv_q8_load16(w0 + i), _mm512_loadu_ps(xa + i), a0);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, bv_q8_finish16(w0, xa, k, a0) * scale[j]);
        }
    }
}

// ---- dequant, AVX2: 8 lanes, ((0+4)+(2+6))+((1+5)+(3+7)), fmaf tail for k % 8.

__attribute__((target("avx2,fma"))) static inline float bv_q8_reduce8(__m256 v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    float t[4];
    _mm_storeu_ps(t, h);
    return (t[0] + t[2]) + (t[1] + t[3]);
}

__attribute__((target("avx2,fma"))) static inline __m256 bv_q8_load8(const int8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

__attribute__((target("avx2,fma")))
void bv_rowdot_q8_avx2(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                       float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    const ptrdiff_t k8 = k & ~(ptrdiff_t)7;
    ptrdiff_t j = 0;
    for (; j + 2 <= n; j += 2) {
        const int8_t *w0 = q + j * k, *w1 = w0 + k;
        ptrdiff_t r = 0;
        for (; r + 2 <= rows; r += 2) {
            const float *xa = x + r * k, *xb = xa + k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0;
            for (ptrdiff_t i = 0; i < k8; i += 8) {
                __m256 v0 = bv_q8_load8(w0 + i), v1 = bv_q8_load8(w1 + i);
                __m256 va = _mm256_loadu_ps(xa + i), vb = _mm256_loadu_ps(xb + i);
                a0 = _mm256_fmadd_ps(v0, va, a0); b0 = _mm256_fmadd_ps(v0, vb, b0);
                a1 = _mm256_fmadd_ps(v1, va, a1); b1 = _mm256_fmadd_ps(v1, vb, b1);
            }
            float s;
            s = bv_q8_reduce8(a0); for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w0[i], xa[i], s);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, s * scale[j]);
            s = bv_q8_reduce8(b0); for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w0[i], xb[i], s);
            bv_rowdot_store(out + (r + 1) * ldo + j, bias, j, accumulate, s * scale[j]);
            s = bv_q8_reduce8(a1); for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w1[i], xa[i], s);
            bv_rowdot_store(out + r * ldo + j + 1, bias, j + 1, accumulate, s * scale[j + 1]);
            s = bv_q8_reduce8(b1); for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w1[i], xb[i], s);
            bv_rowdot_store(out + (r + 1) * ldo + j + 1, bias, j + 1, accumulate, s * scale[j + 1]);
        }
        for (; r < rows; r++) {
            const float *xa = x + r * k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0;
            for (ptrdiff_t i = 0; i < k8; i += 8) {
                __m256 va = _mm256_loadu_ps(xa + i);
                a0 = _mm256_fmadd_ps(bv_q8_load8(w0 + i), va, a0);
                a1 = _mm256_fmadd_ps(bv_q8_load8(w1 + i), va, a1);
            }
            float s;
            s = bv_q8_reduce8(a0); for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w0[i], xa[i], s);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, s * scale[j]);
            s = bv_q8_reduce8(a1); for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w1[i], xa[i], s);
            bv_rowdot_store(out + r * ldo + j + 1, bias, j + 1, accumulate, s * scale[j + 1]);
        }
    }
    for (; j < n; j++) {
        const int8_t *w0 = q + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const float *xa = x + r * k;
            __m256 a0 = _mm256_setzero_ps();
            for (ptrdiff_t i = 0; i < k8; i += 8) a0 = _mm256_fmadd_ps(bv_q8_load8(w0 + i), _mm256_loadu_ps(xa + i), a0);
            float s = bv_q8_reduce8(a0);
            for (ptrdiff_t i = k8; i < k; i++) s = fmaf((float)w0[i], xa[i], s);
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, s * scale[j]);
        }
    }
}

// ---- VNNI: exact int32 sums of (xq + 128) · q over 64 bytes per step; scalar tail for k % 64.

BV_Q8_VNNI static inline int32_t bv_q8_hsum(__m512i v) { return _mm512_reduce_add_epi32(v); }

BV_Q8_VNNI static inline float bv_q8_vnni_value(__m512i acc, const uint8_t *xq, const int8_t *w, ptrdiff_t k, int32_t wsum,
                                                float sx, float sw) {
    int32_t d = bv_q8_hsum(acc);
    for (ptrdiff_t i = k & ~(ptrdiff_t)63; i < k; i++) d += (int32_t)xq[i] * (int32_t)w[i];
    return (float)(d - 128 * wsum) * (sx * sw);
}

#define BV_VNNI_BLOCK(R)                                                                                       \
    BV_Q8_VNNI static void bv_vnni_block4x##R(const int8_t *w0, const float *sc, const int32_t *ws, ptrdiff_t k, \
                                             const uint8_t *x, const float *sx, float *out, ptrdiff_t ldo,     \
                                             const float *bias, int accumulate) {                              \
        const ptrdiff_t k64 = k & ~(ptrdiff_t)63;                                                             \
        const int8_t *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;                                                \
        __m512i a0[R], a1[R], a2[R], a3[R];                                                                   \
        for (int q = 0; q < R; q++) { a0[q] = _mm512_setzero_si512(); a1[q] = a0[q]; a2[q] = a0[q]; a3[q] = a0[q]; } \
        for (ptrdiff_t i = 0; i < k64; i += 64) {                                                             \
            _mm_prefetch((const char *)(w3 + k + 4 * i), _MM_HINT_T1);                                        \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 64), _MM_HINT_T1);                                   \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 128), _MM_HINT_T1);                                  \
            _mm_prefetch((const char *)(w3 + k + 4 * i + 192), _MM_HINT_T1);                                  \
            __m512i v0 = _mm512_loadu_si512(w0 + i), v1 = _mm512_loadu_si512(w1 + i);                         \
            __m512i v2 = _mm512_loadu_si512(w2 + i), v3 = _mm512_loadu_si512(w3 + i);                         \
            for (int q = 0; q < R; q++) {                                                                     \
                __m512i xv = _mm512_loadu_si512(x + q * k + i);                                               \
                a0[q] = _mm512_dpbusd_epi32(a0[q], xv, v0);                                                   \
                a1[q] = _mm512_dpbusd_epi32(a1[q], xv, v1);                                                   \
                a2[q] = _mm512_dpbusd_epi32(a2[q], xv, v2);                                                   \
                a3[q] = _mm512_dpbusd_epi32(a3[q], xv, v3);                                                   \
            }                                                                                                 \
        }                                                                                                     \
        for (int q = 0; q < R; q++) {                                                                         \
            const uint8_t *xr = x + q * k;                                                                    \
            float *o = out + q * ldo;                                                                         \
            bv_rowdot_store(o + 0, bias, 0, accumulate, bv_q8_vnni_value(a0[q], xr, w0, k, ws[0], sx[q], sc[0])); \
            bv_rowdot_store(o + 1, bias, 1, accumulate, bv_q8_vnni_value(a1[q], xr, w1, k, ws[1], sx[q], sc[1])); \
            bv_rowdot_store(o + 2, bias, 2, accumulate, bv_q8_vnni_value(a2[q], xr, w2, k, ws[2], sx[q], sc[2])); \
            bv_rowdot_store(o + 3, bias, 3, accumulate, bv_q8_vnni_value(a3[q], xr, w3, k, ws[3], sx[q], sc[3])); \
        }                                                                                                     \
    }
BV_VNNI_BLOCK(4)
BV_VNNI_BLOCK(3)
BV_VNNI_BLOCK(2)
BV_VNNI_BLOCK(1)

BV_Q8_VNNI
void bv_rowdot_q8_vnni(const int8_t *q, const float *scale, const int32_t *wsum, ptrdiff_t k, ptrdiff_t n, const uint8_t *xq,
                       const float *xscale, ptrdiff_t rows, float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    const ptrdiff_t k64 = k & ~(ptrdiff_t)63;
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const int8_t *w0 = q + j * k;
        const float *b = bias ? bias + j : NULL;
        ptrdiff_t r = 0;
        for (; r + 4 <= rows; r += 4)
            bv_vnni_block4x4(w0, scale + j, wsum + j, k, xq + r * k, xscale + r, out + r * ldo + j, ldo, b, accumulate);
        switch (rows - r) {
        case 3: bv_vnni_block4x3(w0, scale + j, wsum + j, k, xq + r * k, xscale + r, out + r * ldo + j, ldo, b, accumulate); break;
        case 2: bv_vnni_block4x2(w0, scale + j, wsum + j, k, xq + r * k, xscale + r, out + r * ldo + j, ldo, b, accumulate); break;
        case 1: bv_vnni_block4x1(w0, scale + j, wsum + j, k, xq + r * k, xscale + r, out + r * ldo + j, ldo, b, accumulate); break;
        default: break;
        }
    }
    for (; j < n; j++) {
        const int8_t *w0 = q + j * k;
        for (ptrdiff_t r = 0; r < rows; r++) {
            const uint8_t *xr = xq + r * k;
            __m512i a0 = _mm512_setzero_si512();
            for (ptrdiff_t i = 0; i < k64; i += 64) a0 = _mm512_dpbusd_epi32(a0, _mm512_loadu_si512(xr + i), _mm512_loadu_si512(w0 + i));
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, bv_q8_vnni_value(a0, xr, w0, k, wsum[j], xscale[r], scale[j]));
        }
    }
}

#else

int bv_has_avx512_vnni(void) { return 0; }

void bv_rowdot_q8_avx512(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                         float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    bv_rowdot_q8_portable(q, scale, k, n, x, rows, out, ldo, bias, accumulate);
}

void bv_rowdot_q8_avx2(const int8_t *q, const float *scale, ptrdiff_t k, ptrdiff_t n, const float *x, ptrdiff_t rows,
                       float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    bv_rowdot_q8_portable(q, scale, k, n, x, rows, out, ldo, bias, accumulate);
}

void bv_rowdot_q8_vnni(const int8_t *q, const float *scale, const int32_t *wsum, ptrdiff_t k, ptrdiff_t n, const uint8_t *xq,
                       const float *xscale, ptrdiff_t rows, float *out, ptrdiff_t ldo, const float *bias, int accumulate) {
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t r = 0; r < rows; r++) {
            int32_t d = 0;
            for (ptrdiff_t i = 0; i < k; i++) d += (int32_t)xq[r * k + i] * (int32_t)q[j * k + i];
            bv_rowdot_store(out + r * ldo + j, bias, j, accumulate, (float)(d - 128 * wsum[j]) * (xscale[r] * scale[j]));
        }
}

#endif
