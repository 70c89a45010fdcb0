// What the flow models share around their networks (flow/flow-model.ts): the straight-path
// interpolation and squared-error objective of training, and the guided evaluation-mode
// field that sampling integrates. Written once so the mlp and dit models cannot drift apart;
// the model only has to provide velocity(B, xt, t, rows, out).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "samplers.h"

namespace fb {

// x_t = (1−t)·ε + t·x per window.  x, noise [B, D], t [B] → xt [B, D].
template <typename R>
void flow_interpolate(int B, int D, const R* x, const R* t, const R* noise, R* xt) {
  for (int b = 0; b < B; b++) {
    const R tb = t[b], ta = R(1) - tb;
    for (int i = 0; i < D; i++) {
      const size_t j = (size_t)b * D + i;
      xt[j] = ta * noise[j] + tb * x[j];
    }
  }
}

// L = mean (v̂ − (x − ε))² over n values (summed in double); dv ← ∂L/∂v̂ · gradScale. → L.
template <typename R>
double flow_mse_grad(size_t n, const R* v, const R* x, const R* noise, R gradScale, R* dv) {
  double loss = 0;
  const R scale = R(2.0 / double(n)) * gradScale;
  for (size_t j = 0; j < n; j++) {
    const R diff = v[j] - (x[j] - noise[j]);
    loss += double(diff) * diff;
    dv[j] = diff * scale;
  }
  return loss / double(n);
}

// Classifier-free guidance: v = v_u + w·(v_c − v_u) when uncondRows is given (else v_c).
// xt [B, D], t [B], rows [k, B] → out [B, D]; scratch is [B, D].
template <typename Model, typename R>
void guided_velocity(Model& model, int B, int D, const R* xt, const R* t, const int32_t* rows, const int32_t* uncondRows,
                     R w, R* out, R* scratch) {
  model.velocity(B, xt, t, rows, out);
  if (!uncondRows) return;
  model.velocity(B, xt, t, uncondRows, scratch);
  const size_t n = (size_t)B * D;
  for (size_t j = 0; j < n; j++) out[j] = scratch[j] + w * (out[j] - scratch[j]);
}

// x [B, D] ← Φ_{from→to}(x) under the guided field, a whole network pass (two when guided)
// per field evaluation, every window at the same t. scratch grows to [B, D].
template <typename Model, typename R>
void integrate_guided(Model& model, int B, int D, R* x, Sampler method, int steps, double from, double to,
                      const int32_t* rows, const int32_t* uncondRows, R w, std::vector<R>& scratch) {
  std::vector<R> tv(B);
  scratch.resize((size_t)B * D);
  auto field = [&](const R* xs, double t, R* out) {
    std::fill(tv.begin(), tv.end(), R(t));
    guided_velocity(model, B, D, xs, tv.data(), rows, uncondRows, w, out, scratch.data());
  };
  integrate<R>(field, x, (size_t)B * D, method, steps, from, to);
}

}  // namespace fb
