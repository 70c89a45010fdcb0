// The reference `mlp` flow model (src-main/engine/flow/flow-model.ts with velocity_net mlp),
// forward and backward written out per layer, llm.c style:
//   ctx = [time ‖ cond] (context_embedding.h, the one the dit model reads too)       [B, K]
//   vel:   x_t·W1x + ctx·W1c + b1 → LN → SiLU → Linear → LN → SiLU → Linear            [B, D]
//   flow loss: x_t = (1−t)·ε + t·x, L = mean (v̂ − (x − ε))².
// Parameters live in one contiguous block, in the TypeScript engine's order and names, so a
// checkpoint is the same bytes whichever engine wrote it. The block and the gradient block
// belong to the caller (JS ArrayBuffers); activations are owned here and only grow.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "context_embedding.h"
#include "flow_objective.h"
#include "gemm.h"
#include "layers.h"
#include "samplers.h"
#include "param_layout.h"

namespace fb {

struct MlpConfig {
  int D;  // signal values per window, L·C
  int H;  // hidden_dim
  ContextConfig ctx;  // time_dim, condition_dim, time_scale, the condition tables
};

template <typename R>
class MlpFlowModel : public FlowModel<MlpFlowModel<R>, R> {
  using Base = FlowModel<MlpFlowModel<R>, R>;
  friend Base;

 public:
  using Base::context;  // time.* and cond.* → ctx [B, K]
  using Base::D;
  using Base::K;
  using Base::kernels;
  using Base::layout;
  using Base::numParams;
  const MlpConfig cfg;

  explicit MlpFlowModel(const MlpConfig& c) : Base(checked(c), c.D), cfg(c) {
    const int H = c.H;
    o.w1x = layout.add("vel.fc1.w_signal", {D, H});
    o.w1c = layout.add("vel.fc1.w_context", {K, H});
    o.b1 = layout.add("vel.fc1.b", {H});
    o.g1 = layout.add("vel.ln1.gamma", {H});
    o.be1 = layout.add("vel.ln1.beta", {H});
    o.w2 = layout.add("vel.fc2.w", {H, H});
    o.b2 = layout.add("vel.fc2.b", {H});
    o.g2 = layout.add("vel.ln2.gamma", {H});
    o.be2 = layout.add("vel.ln2.beta", {H});
    o.w3 = layout.add("vel.fc3.w", {H, D});
    o.b3 = layout.add("vel.fc3.b", {D});
    numParams = layout.total;
  }

  // How a sample is integrated. Plain: a whole forward pass per field evaluation. Hidden: the
  // same ODE carried in the first layer's coordinates (integrateHidden). Auto: the one with
  // fewer multiply-adds for this batch, method and step count.
  enum class Route { Auto, Plain, Hidden };

  // x [B, D] ← Φ_{from→to}(x) under the evaluation-mode field, guided (w) when uncondRows is given.
  void integrateField(int B, R* x, Sampler method, int steps, double from, double to, const int32_t* rows,
                      const int32_t* uncondRows, R w, Route route) {
    ensure(B);
    context.checkRows(B, rows);
    if (uncondRows) context.checkRows(B, uncondRows);
    if (route == Route::Auto) route = hiddenPays(B, method, steps, uncondRows != nullptr) ? Route::Hidden : Route::Plain;
    if (route == Route::Hidden) return integrateHidden(B, x, method, steps, from, to, rows, uncondRows, w);
    integrate_guided(*this, B, D, x, method, steps, from, to, rows, uncondRows, w, scratch);
  }

  // Multiply-adds of the D-wide products: Plain pays x·W1x and a2·W3 per network pass; Hidden
  // pays W3·W1x and the first/last products once, then a2·M [H, H] per field evaluation.
  bool hiddenPays(int B, Sampler method, int steps, bool guided) const {
    const double H = cfg.H, b = B;  // D (int) joins each product as a double
    const double evals = double(steps) * (method == Sampler::Euler ? 1 : method == Sampler::Heun ? 2 : 4);
    const double plain = evals * (guided ? 2 : 1) * 2 * b * D * H;
    const double hidden = H * D * H + 2 * b * D * H + evals * b * H * H;
    return hidden < plain;
  }

 private:
  // Sampling in hidden coordinates, an algebraic reformulation of the plain sampler (same ODE,
  // same solver; only the association of the products changes, so equal to rounding):
  // v(x) = a2(x)·W3 + b3 depends on x only through u = x·W1x [H], and every solver stage is a
  // linear combination of the state and field values. So carry, per window, z = [u, S, s]
  // with x = x0 + S·W3 + s·b3 and u = x0·W1x + S·M + s·c (M = W3·W1x [H, H], c = b3·W1x):
  // the field in these coordinates is dz = [a2·M + c, a2, 1], an H×H product instead of
  // the D×H pair, and x is rebuilt once at the end. Guidance is linear in a2 too.
  void integrateHidden(int B, R* x, Sampler method, int steps, double from, double to, const int32_t* rows,
                       const int32_t* uncondRows, R w) {
    const int H = cfg.H, W = 2 * H + 1;
    const R one = 1, zero = 0;
    if (!hiddenProductsFresh()) {
      hM.resize((size_t)H * H);
      hc.resize(H);
      gemm(kernels, false, false, H, H, D, one, p + o.w3, D, p + o.w1x, H, zero, hM.data(), H);
      gemm(kernels, false, false, 1, H, D, one, p + o.b3, D, p + o.w1x, H, zero, hc.data(), H);
    }
    std::vector<R> z((size_t)B * W, R(0)), a2c(uncondRows ? (size_t)B * H : 0);
    gemm(kernels, false, false, B, H, D, one, x, D, p + o.w1x, H, zero, z.data(), W);
    // The condition rows' share of the first layer is constant over the sample, and the time's
    // is one row per evaluation (every window is at the same t).
    const std::vector<R> condC = condPart(B, rows), condU = uncondRows ? condPart(B, uncondRows) : std::vector<R>();
    std::vector<R> timeH(H);
    auto field = [&](const R* zs, double t, R* out) {
      const R tr = R(t);
      context.timeForward(1, &tr, p, a.ctx.data());
      gemm(kernels, false, false, 1, H, cfg.ctx.T, one, a.ctx.data(), K, p + o.w1c, H, zero, timeH.data(), H);
      hiddenTrunk(B, zs, W, condC.data(), timeH.data());
      if (uncondRows) {
        std::copy(a.a2.begin(), a.a2.begin() + (size_t)B * H, a2c.begin());
        hiddenTrunk(B, zs, W, condU.data(), timeH.data());
        for (size_t j = 0; j < (size_t)B * H; j++) a.a2[j] = a.a2[j] + w * (a2c[j] - a.a2[j]);
      }
      for (int b = 0; b < B; b++) {
        R* row = out + (size_t)b * W;
        std::copy(hc.begin(), hc.end(), row);
        std::copy(a.a2.begin() + (size_t)b * H, a.a2.begin() + (size_t)(b + 1) * H, row + H);
        row[2 * H] = one;
      }
      gemm(kernels, false, false, B, H, H, one, a.a2.data(), H, hM.data(), H, one, out, W);
    };
    integrate<R>(field, z.data(), z.size(), method, steps, from, to);
    for (int b = 0; b < B; b++) {
      const R s = z[(size_t)b * W + 2 * H];
      for (int i = 0; i < D; i++) x[(size_t)b * D + i] += s * p[o.b3 + i];
    }
    gemm(kernels, false, false, B, D, H, one, z.data() + H, W, p + o.w3, D, one, x, D);
  }

  // M and c depend on W1x, W3 and b3 only. They cost as much as a few sampling steps at B = 32,
  // so they are kept while those weights are bit for bit the ones they were made from (the
  // block is the caller's and may change between calls; comparing 2·D·H values is ~1/20 of
  // recomputing). Returns whether hM/hc are current; otherwise records the new weights.
  bool hiddenProductsFresh() {
    const size_t nx = (size_t)cfg.D * cfg.H, n3 = (size_t)cfg.H * cfg.D + cfg.D;  // W3 then b3: adjacent in the block
    const R* w1x = p + o.w1x;
    const R* w3b3 = p + o.w3;
    if (hKernels == kernels && hKey.size() == nx + n3 && std::memcmp(hKey.data(), w1x, nx * sizeof(R)) == 0 &&
        std::memcmp(hKey.data() + nx, w3b3, n3 * sizeof(R)) == 0)
      return true;
    hKey.assign(w1x, w1x + nx);
    hKey.insert(hKey.end(), w3b3, w3b3 + n3);
    hKernels = kernels;
    return false;
  }

  // b1 + (condition embedding)·W1c[T:] for rows [k, B] → [B, H] (evaluation mode).
  std::vector<R> condPart(int B, const int32_t* rows) {
    const int H = cfg.H, T = cfg.ctx.T;
    std::vector<R> out((size_t)B * H);
    context.condForward(B, rows, nullptr, p, a.ctx.data());
    fill_rows(out.data(), H, p + o.b1, B, H);
    gemm(kernels, false, false, B, H, K - T, R(1), a.ctx.data() + T, K, p + o.w1c + (size_t)T * H, H, R(1), out.data(), H);
    return out;
  }

  // The evaluation-mode network from hidden coordinates: h1 = u [B, H] (row stride ldz)
  // + cond [B, H] + time [H] → a.a2.
  void hiddenTrunk(int B, const R* u, int ldz, const R* cond, const R* time) {
    const int H = cfg.H;
    for (int b = 0; b < B; b++)
      for (int j = 0; j < H; j++) a.h1[(size_t)b * H + j] = u[(size_t)b * ldz + j] + cond[(size_t)b * H + j] + time[j];
    trunkForward(B);
  }

  std::vector<R> scratch, hM, hc, hKey;
  Kernels hKernels = Kernels::Fast;

  struct Offsets {
    size_t w1x, w1c, b1, g1, be1, w2, b2, g2, be2, w3, b3;
  } o{};
  // Saved activations and backward scratch; sized for the largest batch seen.
  struct Acts {
    std::vector<R> xt, v, dv, ctx, h1, xh1, rs1, z1, a1, h2, xh2, rs2, z2, a2;
    std::vector<R> da2, da1, dctx;
  } a;
  int capacity = 0;
  using Base::p;
  using Base::g;

  // The model's own argument checks (and messages), made before the context embedding
  // registers its parameters.
  static const ContextConfig& checked(const MlpConfig& c) {
    if (c.D < 1 || c.H < 1 || c.ctx.T < 2 || c.ctx.C < 1) throw std::invalid_argument("MlpFlowModel: D, H, C must be ≥ 1 and T ≥ 2");
    if (c.ctx.condNames.empty() || c.ctx.condNames.size() != c.ctx.condRows.size())
      throw std::invalid_argument("MlpFlowModel: condNames and condRows must be non-empty and of equal length");
    return c.ctx;
  }

  void ensure(int B) {
    if (B <= capacity) return;
    const size_t b = size_t(B), H = cfg.H;
    for (auto* v : {&a.xt, &a.v, &a.dv}) v->resize(b * D);
    for (auto* v : {&a.ctx, &a.dctx}) v->resize(b * K);
    for (auto* v : {&a.h1, &a.xh1, &a.z1, &a.a1, &a.h2, &a.xh2, &a.z2, &a.a2, &a.da2, &a.da1}) v->resize(b * H);
    for (auto* v : {&a.rs1, &a.rs2}) v->resize(b);
    capacity = B;
  }

  // Saves what backward needs.  xt [B, D], t [B], rows [k, B], mask [B, kC] | null → out [B, D].
  void forward(int B, const R* xt, const R* t, const int32_t* rows, const R* mask, R* out) {
    const int H = cfg.H;
    const R one = 1;
    context.forward(B, t, rows, mask, p, a.ctx.data());
    fill_rows(a.h1.data(), H, p + o.b1, B, H);
    gemm(kernels, false, false, B, H, D, one, xt, D, p + o.w1x, H, one, a.h1.data(), H);
    gemm(kernels, false, false, B, H, K, one, a.ctx.data(), K, p + o.w1c, H, one, a.h1.data(), H);
    trunkForward(B);
    fill_rows(out, D, p + o.b3, B, D);
    gemm(kernels, false, false, B, D, H, one, a.a2.data(), H, p + o.w3, D, one, out, D);
  }

  // From a.h1 = b1 + x_t·W1x + ctx·W1c: LN → SiLU → fc2 → LN → SiLU → a.a2 [B, H].
  void trunkForward(int B) {
    const int H = cfg.H;
    const R one = 1, eps = R(1e-5);
    ln_silu_forward(a.h1.data(), B, H, p + o.g1, p + o.be1, eps, a.xh1.data(), a.rs1.data(), a.z1.data(), a.a1.data());
    fill_rows(a.h2.data(), H, p + o.b2, B, H);
    gemm(kernels, false, false, B, H, H, one, a.a1.data(), H, p + o.w2, H, one, a.h2.data(), H);
    ln_silu_forward(a.h2.data(), B, H, p + o.g2, p + o.be2, eps, a.xh2.data(), a.rs2.data(), a.z2.data(), a.a2.data());
  }

  // From a.dv = ∂L/∂v̂ [B, D] and the forward's input xt: adds every parameter's gradient.
  void backward(int B, const R* xt) {
    const int H = cfg.H;
    const R one = 1, zero = 0;
    const R* dv = a.dv.data();
    // fc3
    linear_backward(kernels, B, H, D, a.a2.data(), H, dv, D, p + o.w3, g + o.w3, g + o.b3, a.da2.data(), H, zero);
    // ln2 + SiLU, fc2
    ln_silu_backward(a.da2.data(), B, H, a.z2.data(), a.xh2.data(), a.rs2.data(), p + o.g2, g + o.g2, g + o.be2, a.da2.data());
    linear_backward(kernels, B, H, H, a.a1.data(), H, a.da2.data(), H, p + o.w2, g + o.w2, g + o.b2, a.da1.data(), H, zero);
    // ln1 + SiLU, fc1 (the signal rows get no input gradient: x_t is data)
    ln_silu_backward(a.da1.data(), B, H, a.z1.data(), a.xh1.data(), a.rs1.data(), p + o.g1, g + o.g1, g + o.be1, a.da1.data());
    const R* dh1 = a.da1.data();
    gemm(kernels, true, false, D, H, B, one, xt, D, dh1, H, one, g + o.w1x, H);
    linear_backward(kernels, B, K, H, a.ctx.data(), K, dh1, H, p + o.w1c, g + o.w1c, g + o.b1, a.dctx.data(), K, zero);
    context.backward(B, a.dctx.data(), p, g);
  }
};

}  // namespace fb
