// The contrastive projection head (contrastive/projection-head.ts), forward and backward:
//   u = ReLU(LN(h·W1 + b1; γ, β)) (ε = 1e-5) → z̃ = u·W2 + b2 → z = z̃ / max(‖z̃‖₂, 1e-12).
// Its parameters are the objective's registry (proj.*), a block of their own.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "adaln.h"
#include "gemm.h"
#include "layers.h"
#include "param_layout.h"

namespace fb {

template <typename R>
class ProjectionHead {
 public:
  const int F, H, P;  // input (feature) width, hidden width, output width
  ParamLayout layout;
  Kernels kernels = Kernels::Fast;

  ProjectionHead(int inputDim, int hidden, int outputDim) : F(inputDim), H(hidden), P(outputDim) {
    if (F < 1 || H < 1 || P < 1) throw std::invalid_argument("projection head: widths must be ≥ 1");
    o.w1 = layout.add("proj.fc1.w", {F, H});
    o.b1 = layout.add("proj.fc1.b", {H});
    o.g1 = layout.add("proj.ln1.gamma", {H});
    o.be1 = layout.add("proj.ln1.beta", {H});
    o.w2 = layout.add("proj.fc2.w", {H, P});
    o.b2 = layout.add("proj.fc2.b", {P});
  }

  // h [B, F] → z [B, P] (unit rows); saves for backward.
  void forward(int B, const R* h, const R* p, R* z) {
    ensure(B);
    const R one = 1;
    fill_rows(a.h1.data(), H, p + o.b1, B, H);
    gemm(kernels, false, false, B, H, F, one, h, F, p + o.w1, H, one, a.h1.data(), H);
    ln_plain_forward(a.h1.data(), B, H, 1e-5, a.xh.data(), a.rs.data());
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) {
        const size_t i = (size_t)b * H + j;
        a.y[i] = a.xh[i] * p[o.g1 + j] + p[o.be1 + j];
        a.u[i] = a.y[i] > 0 ? a.y[i] : R(0);
      }
    fill_rows(a.zt.data(), P, p + o.b2, B, P);
    gemm(kernels, false, false, B, P, H, one, a.u.data(), H, p + o.w2, P, one, a.zt.data(), P);
    for (int b = 0; b < B; b++) {
      const R* zr = &a.zt[(size_t)b * P];
      double ss = 0;
      for (int j = 0; j < P; j++) ss += double(zr[j]) * zr[j];
      const double nrm = std::max(std::sqrt(ss), 1e-12);
      a.inv[b] = R(1.0 / nrm);
      for (int j = 0; j < P; j++) z[(size_t)b * P + j] = zr[j] * a.inv[b];
    }
  }

  // From dz [B, P] and the forward's z, h: head gradients added to g; dh [B, F] written.
  void backward(int B, const R* h, const R* z, const R* dz, const R* p, R* g, R* dh) {
    const R zero = 0;
    // z = z̃/‖z̃‖ (the norm above 1e-12 here): dz̃ = (dz − z·(z·dz)) / ‖z̃‖
    for (int b = 0; b < B; b++) {
      const size_t r = (size_t)b * P;
      double dot = 0;
      for (int j = 0; j < P; j++) dot += double(z[r + j]) * dz[r + j];
      for (int j = 0; j < P; j++) a.dzt[r + j] = (dz[r + j] - z[r + j] * R(dot)) * a.inv[b];
    }
    linear_backward(kernels, B, H, P, a.u.data(), H, a.dzt.data(), P, p + o.w2, g + o.w2, g + o.b2, a.du.data(), H, zero);
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) {
        const size_t i = (size_t)b * H + j;
        const R dy = a.y[i] > 0 ? a.du[i] : R(0);
        g[o.g1 + j] += dy * a.xh[i];
        g[o.be1 + j] += dy;
        a.du[i] = dy * p[o.g1 + j];  // now ∂/∂xhat
      }
    std::fill(a.dh1.begin(), a.dh1.begin() + (size_t)B * H, R(0));
    ln_plain_backward_add(a.du.data(), a.xh.data(), a.rs.data(), B, H, a.dh1.data());
    linear_backward(kernels, B, F, H, h, F, a.dh1.data(), H, p + o.w1, g + o.w1, g + o.b1, dh, F, zero);
  }

 private:
  struct Offsets {
    size_t w1, b1, g1, be1, w2, b2;
  } o{};
  struct Acts {
    std::vector<R> h1, xh, rs, y, u, zt, inv, dzt, du, dh1;
  } a;
  int capacity = 0;

  void ensure(int B) {
    if (B <= capacity) return;
    const size_t b = size_t(B);
    for (auto* v : {&a.h1, &a.xh, &a.y, &a.u, &a.du, &a.dh1}) v->resize(b * H);
    for (auto* v : {&a.zt, &a.dzt}) v->resize(b * P);
    for (auto* v : {&a.rs, &a.inv}) v->resize(b);
    capacity = B;
  }
};

}  // namespace fb
