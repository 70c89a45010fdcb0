// Multi-head self-attention's core (nn/attention.ts): per window b and head h,
//   A = softmax(Q Kᵀ/√d_h),  O = A·V,
// reading Q, K, V as column slices of qkv [B·Tk, 3d] (Q | K | V, head h at column h·d_h of
// each) and writing O into o [B·Tk, d] at column h·d_h. The projections around it are
// plain GEMMs in the model. Probabilities A [B, heads, Tk, Tk] are saved for backward.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "gemm.h"

namespace fb {

struct AttentionShape {
  int B, Tk, heads, dh;
  int d() const { return heads * dh; }
};

template <typename R>
void attention_forward(Kernels kern, const AttentionShape& s, const R* qkv, R* probs, R* o) {
  const int d = s.d(), Tk = s.Tk, ld = 3 * d;
  const R scale = R(1.0 / std::sqrt(double(s.dh)));
  for (int b = 0; b < s.B; b++)
    for (int h = 0; h < s.heads; h++) {
      const R* Q = qkv + (size_t)b * Tk * ld + h * s.dh;
      const R* K = Q + d;
      const R* V = Q + 2 * d;
      R* A = probs + ((size_t)b * s.heads + h) * Tk * Tk;
      gemm(kern, false, true, Tk, Tk, s.dh, scale, Q, ld, K, ld, R(0), A, Tk);
      for (int i = 0; i < Tk; i++) {
        R* row = A + (size_t)i * Tk;
        const R mx = *std::max_element(row, row + Tk);
        double sum = 0;
        for (int j = 0; j < Tk; j++) {
          row[j] = std::exp(row[j] - mx);
          sum += row[j];
        }
        const R inv = R(1.0 / sum);
        for (int j = 0; j < Tk; j++) row[j] *= inv;
      }
      gemm(kern, false, false, Tk, s.dh, Tk, R(1), A, Tk, V, ld, R(0), o + (size_t)b * Tk * d + h * s.dh, d);
    }
}

// From dO [B·Tk, d]: dqkv [B·Tk, 3d] (written). scratch holds Tk·Tk values.
//   dA = dO·Vᵀ, dV = Aᵀ·dO, dS = A ⊙ (dA − rowsum(dA ⊙ A)) / √d_h, dQ = dS·K, dK = dSᵀ·Q.
template <typename R>
void attention_backward(Kernels kern, const AttentionShape& s, const R* qkv, const R* probs, const R* dO, R* dqkv,
                        std::vector<R>& scratch) {
  const int d = s.d(), Tk = s.Tk, ld = 3 * d;
  const R scale = R(1.0 / std::sqrt(double(s.dh)));
  scratch.resize((size_t)Tk * Tk);
  R* dA = scratch.data();
  for (int b = 0; b < s.B; b++)
    for (int h = 0; h < s.heads; h++) {
      const size_t qo = (size_t)b * Tk * ld + h * s.dh;
      const R* Q = qkv + qo;
      const R* K = Q + d;
      const R* V = Q + 2 * d;
      R* dQ = dqkv + qo;
      R* dK = dQ + d;
      R* dV = dQ + 2 * d;
      const R* A = probs + ((size_t)b * s.heads + h) * Tk * Tk;
      const R* dOb = dO + (size_t)b * Tk * d + h * s.dh;
      gemm(kern, false, true, Tk, Tk, s.dh, R(1), dOb, d, V, ld, R(0), dA, Tk);
      gemm(kern, true, false, Tk, s.dh, Tk, R(1), A, Tk, dOb, d, R(0), dV, ld);
      for (int i = 0; i < Tk; i++) {
        const R* ar = A + (size_t)i * Tk;
        R* gr = dA + (size_t)i * Tk;
        double dot = 0;
        for (int j = 0; j < Tk; j++) dot += double(gr[j]) * ar[j];
        for (int j = 0; j < Tk; j++) gr[j] = ar[j] * (gr[j] - R(dot)) * scale;
      }
      gemm(kern, false, false, Tk, s.dh, Tk, R(1), dA, Tk, K, ld, R(0), dQ, ld);
      gemm(kern, true, false, Tk, s.dh, Tk, R(1), dA, Tk, Q, ld, R(0), dK, ld);
    }
}

}  // namespace fb
