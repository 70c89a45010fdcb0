// Adaptive LayerNorm and the AdaLN-Zero residual gate (nn/adaln.ts), each forward with its
// backward. Tokens are window-major [N = B·Tk, F]; shift, scale and gate are per window,
// read as column slices of the modulation matrix [B, ldm] the conditioning Linear writes.
#pragma once
#include <cmath>
#include <cstddef>

namespace fb {

// LayerNorm without affine (ε = 1e-6 as nn/adaln.ts), biased variance.
// x [N, F] → xhat [N, F], rstd [N].
template <typename R>
void ln_plain_forward(const R* x, int N, int F, double eps, R* xhat, R* rstd) {
  for (int n = 0; n < N; n++) {
    const R* xr = x + (size_t)n * F;
    double mean = 0;
    for (int j = 0; j < F; j++) mean += xr[j];
    mean /= F;
    double var = 0;
    for (int j = 0; j < F; j++) {
      const double d = xr[j] - mean;
      var += d * d;
    }
    var /= F;
    const R rs = R(1.0 / std::sqrt(var + eps));
    rstd[n] = rs;
    R* xh = xhat + (size_t)n * F;
    for (int j = 0; j < F; j++) xh[j] = R(xr[j] - mean) * rs;
  }
}

// dx [N, F] += rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)) per row.
template <typename R>
void ln_plain_backward_add(const R* dxhat, const R* xhat, const R* rstd, int N, int F, R* dx) {
  for (int n = 0; n < N; n++) {
    const size_t o = (size_t)n * F;
    double s1 = 0, s2 = 0;
    for (int j = 0; j < F; j++) {
      s1 += dxhat[o + j];
      s2 += double(dxhat[o + j]) * xhat[o + j];
    }
    const R m1 = R(s1 / F), m2 = R(s2 / F);
    for (int j = 0; j < F; j++) dx[o + j] += rstd[n] * (dxhat[o + j] - m1 - xhat[o + j] * m2);
  }
}

// u = xhat ⊙ (1 + scale[b]) + shift[b].  xhat, u [B·Tk, F]; shift, scale rows of stride ldm.
template <typename R>
void modulate_forward(const R* xhat, int B, int Tk, int F, const R* shift, const R* scale, int ldm, R* u) {
  for (int b = 0; b < B; b++) {
    const R* sh = shift + (size_t)b * ldm;
    const R* sc = scale + (size_t)b * ldm;
    for (int k = 0; k < Tk; k++) {
      const size_t o = ((size_t)b * Tk + k) * F;
      for (int j = 0; j < F; j++) u[o + j] = xhat[o + j] * (R(1) + sc[j]) + sh[j];
    }
  }
}

// From du [B·Tk, F]: dshift[b], dscale[b] (stride ldm) += Σ_tokens du, du·xhat;
// dxhat = du ⊙ (1 + scale[b]) (written; may alias du).
template <typename R>
void modulate_backward(const R* du, const R* xhat, int B, int Tk, int F, const R* scale, int ldm, R* dshift, R* dscale,
                       R* dxhat) {
  for (int b = 0; b < B; b++) {
    const R* sc = scale + (size_t)b * ldm;
    R* dsh = dshift + (size_t)b * ldm;
    R* dsc = dscale + (size_t)b * ldm;
    for (int k = 0; k < Tk; k++) {
      const size_t o = ((size_t)b * Tk + k) * F;
      for (int j = 0; j < F; j++) {
        const R g = du[o + j];
        dsh[j] += g;
        dsc[j] += g * xhat[o + j];
        dxhat[o + j] = g * (R(1) + sc[j]);
      }
    }
  }
}

// out = x + gate[b] ⊙ y (out may alias x).  x, y, out [B·Tk, F]; gate rows of stride ldm.
template <typename R>
void gate_forward(const R* x, const R* y, int B, int Tk, int F, const R* gate, int ldm, R* out) {
  for (int b = 0; b < B; b++) {
    const R* gt = gate + (size_t)b * ldm;
    for (int k = 0; k < Tk; k++) {
      const size_t o = ((size_t)b * Tk + k) * F;
      for (int j = 0; j < F; j++) out[o + j] = x[o + j] + gt[j] * y[o + j];
    }
  }
}

// From dout [B·Tk, F] (which is also ∂/∂x, the residual path): dgate[b] += Σ_tokens dout·y;
// dy = dout ⊙ gate[b] (written).
template <typename R>
void gate_backward(const R* dout, const R* y, int B, int Tk, int F, const R* gate, int ldm, R* dgate, R* dy) {
  for (int b = 0; b < B; b++) {
    const R* gt = gate + (size_t)b * ldm;
    R* dg = dgate + (size_t)b * ldm;
    for (int k = 0; k < Tk; k++) {
      const size_t o = ((size_t)b * Tk + k) * F;
      for (int j = 0; j < F; j++) {
        dg[j] += dout[o + j] * y[o + j];
        dy[o + j] = dout[o + j] * gt[j];
      }
    }
  }
}

}  // namespace fb
