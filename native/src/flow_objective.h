// What the flow models share around their networks (flow/flow-model.ts): the straight-path
// interpolation and squared-error objective of training, and the guided evaluation-mode
// field that sampling integrates, and FlowModel, the part of a model that does not depend on
// its velocity network. Written once so the mlp and dit models cannot drift apart.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "context_embedding.h"
#include "gemm.h"
#include "layers.h"
#include "param_layout.h"
#include "samplers.h"
#include "simd.h"

namespace fb {

// x_t = (1−t)·ε + t·x per window.  x, noise [B, D], t [B] → xt [B, D].
template <typename R>
FB_VECTOR_CLONES void flow_interpolate(int B, int D, const R* x, const R* t, const R* noise, R* xt) {
  for (int b = 0; b < B; b++) {
    const R tb = t[b], ta = R(1) - tb;
    for (int i = 0; i < D; i++) {
      const size_t j = (size_t)b * D + i;
      xt[j] = ta * noise[j] + tb * x[j];
    }
  }
}

// L = mean (v̂ − (x − ε))² over n values (summed in double, 8 lanes); dv ← ∂L/∂v̂ · gradScale. → L.
template <typename R>
FB_VECTOR_CLONES double flow_mse_grad(size_t n, const R* v, const R* x, const R* noise, R gradScale, R* dv) {
  const R scale = R(2.0 / double(n)) * gradScale;
  for (size_t j = 0; j < n; j++) dv[j] = v[j] - (x[j] - noise[j]);
  const double loss = lane_sum(int(n), [&](int j) { return double(dv[j]) * dv[j]; });
  for (size_t j = 0; j < n; j++) dv[j] = dv[j] * scale;
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

// What a flow model is around its velocity network (CRTP): the parameter layout with the
// context embedding registered first (time.*, cond.*, as the TypeScript models do), the
// caller's parameter and gradient blocks, the training loss and the evaluation-mode velocity.
// Derived (befriending this) provides ensure(B), which sizes a.xt, a.v, a.dv [B, D] among its
// activations; forward(B, xt, t, rows, mask | null, out), saving what backward reads; and
// backward(B, xt), adding every parameter's gradient from a.dv.
template <typename Derived, typename R>
class FlowModel {
 public:
  ParamLayout layout;
  ContextEmbedding<R> context;
  const int D;  // values per window
  const int K;  // context width T + C
  size_t numParams = 0;
  Kernels kernels = Kernels::Fast;

  // Binds the caller's parameter and gradient blocks (numParams values each).
  void bind(R* params, R* grads) {
    p = params;
    g = grads;
  }

  void setKernels(Kernels k) {
    kernels = k;
    context.kernels = k;
  }

  // Flow loss and its gradient for one batch, gradients scaled by gradScale and added to the
  // gradient block (zeroed first unless accumulate). Shapes: x, noise [B, D]; t [B];
  // rows [k, B] condition table rows (condition-major); mask [B, kC] or null. → loss.
  double lossAndGrad(int B, const R* x, const R* t, const R* noise, const int32_t* rows, const R* mask, R gradScale,
                     bool accumulate) {
    Derived& m = self();
    m.ensure(B);
    context.checkRows(B, rows);
    flow_interpolate(B, D, x, t, noise, m.a.xt.data());
    m.forward(B, m.a.xt.data(), t, rows, mask, m.a.v.data());
    const double loss = flow_mse_grad((size_t)B * D, m.a.v.data(), x, noise, gradScale, m.a.dv.data());
    if (!accumulate) std::fill(g, g + numParams, R(0));
    m.backward(B, m.a.xt.data());
    return loss;
  }

  // v̂(x_t, t, c) in evaluation mode (no dropout).  xt [B, D], t [B], rows [k, B] → out [B, D].
  void velocity(int B, const R* xt, const R* t, const int32_t* rows, R* out) {
    self().ensure(B);
    context.checkRows(B, rows);
    self().forward(B, xt, t, rows, nullptr, out);
  }

 protected:
  FlowModel(const ContextConfig& c, int valuesPerWindow) : context(c, layout), D(valuesPerWindow), K(context.K) {}

  R* p = nullptr;
  R* g = nullptr;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace fb
