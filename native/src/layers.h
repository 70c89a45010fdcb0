// Per-layer passes of the MLP flow model, each forward with its backward. Row-major [B, F].
// LayerNorm and SiLU are fused into one pass each way (one read of the row, one write). The
// exp of every sigmoid sits in a loop of its own, so it runs as a vector call (simd.h): as
// scalar expf calls it took most of these layers' time.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "gemm.h"
#include "simd.h"

namespace fb {

template <typename R>
inline R sigmoid(R z) {
  return R(1) / (R(1) + std::exp(-z));
}

// C [B, N] (row stride ldc) ← each row = bias [N] (the GEMM that follows adds into it, beta = 1).
template <typename R>
void fill_rows(R* C, int ldc, const R* bias, int B, int N) {
  for (int b = 0; b < B; b++)
    for (int j = 0; j < N; j++) C[(size_t)b * ldc + j] = bias[j];
}

// db [N] += Σ_b dy [B, N] (row stride ld).
template <typename R>
void col_sum_add(const R* dy, int ld, int B, int N, R* db) {
  for (int b = 0; b < B; b++)
    for (int j = 0; j < N; j++) db[j] += dy[(size_t)b * ld + j];
}

// Backward of the dense layer y = x·W + b over B rows; x [B, In] (row stride ldx), W [In, Out],
// dy [B, Out] (row stride ldy): gW += xᵀ·dy, gb += Σ_b dy, then, unless dx is null (the input
// is data or needs no gradient), dx [B, In] (row stride lddx) = dy·Wᵀ + beta·dx (beta 0
// writes, 1 adds). Every model's layers run these three products in this order.
template <typename R>
void linear_backward(Kernels k, int B, int In, int Out, const R* x, int ldx, const R* dy, int ldy, const R* W, R* gW, R* gb,
                     R* dx = nullptr, int lddx = 0, R beta = R(0)) {
  gemm(k, true, false, In, Out, B, R(1), x, ldx, dy, ldy, R(1), gW, Out);
  col_sum_add(dy, ldy, B, Out, gb);
  if (dx) gemm(k, false, true, B, In, Out, R(1), dy, ldy, W, Out, beta, dx, lddx);
}

// a = SiLU(z) = z·σ(z), in place allowed (a may equal z only when z is not needed later).  [n] → [n].
template <typename R>
FB_VECTOR_CLONES void silu_forward(const R* z, R* a, size_t n) {
  for (size_t i = 0; i < n; i++) a[i] = z[i] * sigmoid(z[i]);
}

// dz = da·σ(z)·(1 + z·(1 − σ(z))).  [n] → [n]; dz may alias da.
template <typename R>
FB_VECTOR_CLONES void silu_backward(const R* da, const R* z, R* dz, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const R s = sigmoid(z[i]);
    dz[i] = da[i] * s * (R(1) + z[i] * (R(1) - s));
  }
}

// Σ_{j<n} term(j) in double over eight independent partial sums: one running sum is a chain of
// dependent adds (latency-bound); eight lanes vectorise (measured: the row statistics of the
// LayerNorms were as costly as the sampler's matrix products before).
template <typename Term>
inline double lane_sum(int n, Term&& term) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int j = 0;
  for (; j + 8 <= n; j += 8)
    for (int k = 0; k < 8; k++) lane[k] += term(j + k);
  double s = 0;
  for (; j < n; j++) s += term(j);
  for (int k = 0; k < 8; k++) s += lane[k];
  return s;
}

// LayerNorm over the last axis (biased variance, PyTorch ε) then SiLU.
// x [B, F], γ, β [F] → xhat [B, F], rstd [B], z = xhat·γ + β [B, F], a = SiLU(z) [B, F].
template <typename R>
FB_VECTOR_CLONES void ln_silu_forward(const R* x, int B, int F, const R* gamma, const R* beta, R eps, R* xhat, R* rstd, R* z, R* a) {
  for (int b = 0; b < B; b++) {
    const R* xr = x + (size_t)b * F;
    const double mean = lane_sum(F, [&](int j) { return double(xr[j]); }) / F;
    const double var = lane_sum(F, [&](int j) {
      const double d = xr[j] - mean;
      return d * d;
    }) / F;
    const R rs = R(1.0 / std::sqrt(var + double(eps)));
    rstd[b] = rs;
    R* xh = xhat + (size_t)b * F;
    R* zr = z + (size_t)b * F;
    R* ar = a + (size_t)b * F;
    // Separate passes: the affine one vectorises; only the exp stays a scalar call.
    for (int j = 0; j < F; j++) {
      xh[j] = R(xr[j] - mean) * rs;
      zr[j] = xh[j] * gamma[j] + beta[j];
    }
    for (int j = 0; j < F; j++) ar[j] = zr[j] * sigmoid(zr[j]);
  }
}

// Backward of ln_silu_forward. da [B, F] (and saved z, xhat, rstd, γ) → dγ, dβ [F] (added to),
// dx [B, F] (written; may alias da):  dxhat = da·SiLU'(z)·γ,
// dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)).
template <typename R>
FB_VECTOR_CLONES void ln_silu_backward(const R* da, int B, int F, const R* z, const R* xhat, const R* rstd,
                                       const R* gamma, R* dgamma, R* dbeta, R* dx) {
  std::vector<R> dz(F);
  for (int b = 0; b < B; b++) {
    const size_t o = (size_t)b * F;
    for (int j = 0; j < F; j++) {
      const R s = sigmoid(z[o + j]);
      dz[j] = da[o + j] * s * (R(1) + z[o + j] * (R(1) - s));
    }
    for (int j = 0; j < F; j++) {
      dgamma[j] += dz[j] * xhat[o + j];
      dbeta[j] += dz[j];
      dx[o + j] = dz[j] * gamma[j];  // dxhat kept in dx until the row's sums are known
    }
    const R* dxh = dx + o;
    const R m1 = R(lane_sum(F, [&](int j) { return double(dxh[j]); }) / F);
    const R m2 = R(lane_sum(F, [&](int j) { return double(dxh[j]) * xhat[o + j]; }) / F);
    for (int j = 0; j < F; j++) dx[o + j] = rstd[b] * (dx[o + j] - m1 - xhat[o + j] * m2);
  }
}

}  // namespace fb
