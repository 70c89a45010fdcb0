// NT-Xent (contrastive/nt-xent.ts): z = [z¹; z²] [2n, P] unit rows, s_ij = z_i·z_j/τ with the
// diagonal excluded, positive p(i) = (i + n) mod 2n,
//   L = −(1/2n) Σ_i log softmax_j(s_i·)[p(i)],
//   ∂L/∂s_ij = (softmax_ij − [j = p(i)]) / 2n,  ∂L/∂z = (∂L/∂S + ∂L/∂Sᵀ)·z / τ.
#pragma once
#include <cmath>
#include <vector>

#include "gemm.h"

namespace fb {

// z [2n, P] → loss; dz [2n, P] written (scaled by gradScale). scratch: 4n² values.
template <typename R>
double nt_xent(Kernels kern, int n, int P, const R* z, double temperature, R gradScale, R* dz, std::vector<R>& scratch) {
  const int m = 2 * n;
  scratch.resize((size_t)m * m);
  R* S = scratch.data();
  gemm(kern, false, true, m, m, P, R(1.0 / temperature), z, P, z, P, R(0), S, m);
  double loss = 0;
  for (int i = 0; i < m; i++) {
    R* row = S + (size_t)i * m;
    const int pos = (i + n) % m;
    double mx = -1e300;
    for (int j = 0; j < m; j++)
      if (j != i && row[j] > mx) mx = row[j];
    double sum = 0;
    for (int j = 0; j < m; j++)
      if (j != i) sum += std::exp(double(row[j]) - mx);
    const double lse = mx + std::log(sum);
    loss -= double(row[pos]) - lse;
    // row ← ∂L/∂s_i· (softmax without the diagonal, minus the positive's one-hot) / 2n
    for (int j = 0; j < m; j++) {
      const double sm = j == i ? 0.0 : std::exp(double(row[j]) - lse);
      row[j] = R((sm - (j == pos ? 1.0 : 0.0)) / m);
    }
  }
  // dz = (G + Gᵀ)·z / τ, G = ∂L/∂S
  for (int i = 0; i < m; i++)
    for (int j = i + 1; j < m; j++) {
      const R sym = S[(size_t)i * m + j] + S[(size_t)j * m + i];
      S[(size_t)i * m + j] = sym;
      S[(size_t)j * m + i] = sym;
    }
  for (int i = 0; i < m; i++) S[(size_t)i * m + i] *= R(2);
  gemm(kern, false, false, m, P, m, R(double(gradScale) / temperature), S, m, z, P, R(0), dz, P);
  return loss / m;
}

}  // namespace fb
