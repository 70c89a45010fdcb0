// The conditioning vector every velocity network reads (flow/flow-model.ts context()):
//   time:  e = [sin(s·f), cos(s·f)] (s = t·time_scale) → Linear → SiLU → Linear        [B, T]
//   cond:  rows of each condition table, concatenated [B, kC] → Linear → LN → SiLU →
//          dropout mask → Linear                                                      [B, C]
//   ctx = [time ‖ cond]                                                               [B, K]
// Forward saves what backward needs; backward adds the gradients of its parameters.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemm.h"
#include "layers.h"
#include "param_layout.h"

namespace fb {

struct ContextConfig {
  int T;  // time_dim
  int C;  // condition_dim
  double timeScale;
  std::vector<std::string> condNames;  // model.conditions, in order
  std::vector<int> condRows;           // rows of each table (real ids + unknown)
};

template <typename R>
class ContextEmbedding {
 public:
  const ContextConfig cfg;
  const int K;   // T + C
  const int KC;  // k·C
  Kernels kernels = Kernels::Fast;

  // Registers time.* and cond.* in `layout`, in the TypeScript engine's order.
  ContextEmbedding(const ContextConfig& c, ParamLayout& layout)
      : cfg(c), K(c.T + c.C), KC(int(c.condNames.size()) * c.C) {
    if (c.T < 2 || c.C < 1) throw std::invalid_argument("context embedding: time_dim must be ≥ 2 and condition_dim ≥ 1");
    if (c.condNames.empty() || c.condNames.size() != c.condRows.size())
      throw std::invalid_argument("context embedding: condNames and condRows must be non-empty and of equal length");
    const int T = c.T, C = c.C;
    o.tw1 = layout.add("time.fc1.w", {T, T});
    o.tb1 = layout.add("time.fc1.b", {T});
    o.tw2 = layout.add("time.fc2.w", {T, T});
    o.tb2 = layout.add("time.fc2.b", {T});
    for (size_t j = 0; j < c.condNames.size(); j++) o.tables.push_back(layout.add("cond." + c.condNames[j] + "_table", {c.condRows[j], C}));
    o.cw1 = layout.add("cond.fc1.w", {KC, KC});
    o.cb1 = layout.add("cond.fc1.b", {KC});
    o.cg = layout.add("cond.ln.gamma", {KC});
    o.cbe = layout.add("cond.ln.beta", {KC});
    o.cw2 = layout.add("cond.fc2.w", {KC, C});
    o.cb2 = layout.add("cond.fc2.b", {C});
    const int half = T / 2;
    freqs.resize(half);
    for (int k = 0; k < half; k++) freqs[k] = R(std::exp(-std::log(1e4) * k / half));
  }

  void checkRows(int B, const int32_t* rows) const {
    for (size_t j = 0; j < cfg.condRows.size(); j++)
      for (int b = 0; b < B; b++) {
        const int32_t r = rows[j * B + b];
        if (r < 0 || r >= cfg.condRows[j])
          throw std::out_of_range("condition " + cfg.condNames[j] + ": row " + std::to_string(r) + " at position " +
                                  std::to_string(b) + " is outside 0.." + std::to_string(cfg.condRows[j] - 1));
      }
  }

  // t [B], rows [k, B] (condition-major), mask [B, kC] | null, params p → ctx [B, K].
  void forward(int B, const R* t, const int32_t* rows, const R* mask, const R* p, R* ctx) {
    timeForward(B, t, p, ctx);
    condForward(B, rows, mask, p, ctx);
  }

  // The two halves of forward, each on its own for the mlp model's hidden-coordinate sampler,
  // which needs the time part per evaluation and the condition part once. backward reads what
  // the last call of each saved.  t [B] → ctx[:, :T] (row stride K).
  void timeForward(int B, const R* t, const R* p, R* ctx) {
    ensure(B);
    const int T = cfg.T, half = T / 2;
    const R one = 1;
    for (int b = 0; b < B; b++) {
      const R s = t[b] * R(cfg.timeScale);
      R* e = &a.e[(size_t)b * T];
      for (int k = 0; k < half; k++) {
        const R ang = s * freqs[k];
        e[k] = std::sin(ang);
        e[half + k] = std::cos(ang);
      }
      if (T % 2) e[T - 1] = 0;
    }
    fill_rows(a.zt.data(), T, p + o.tb1, B, T);
    gemm(kernels, false, false, B, T, T, one, a.e.data(), T, p + o.tw1, T, one, a.zt.data(), T);
    silu_forward(a.zt.data(), a.ht.data(), (size_t)B * T);
    fill_rows(ctx, K, p + o.tb2, B, T);
    gemm(kernels, false, false, B, T, T, one, a.ht.data(), T, p + o.tw2, T, one, ctx, K);
  }

  // rows [k, B], mask [B, kC] | null → ctx[:, T:] (row stride K).
  void condForward(int B, const int32_t* rows, const R* mask, const R* p, R* ctx) {
    ensure(B);
    const int T = cfg.T, C = cfg.C;
    const R one = 1, eps = R(1e-5);
    for (size_t j = 0; j < o.tables.size(); j++)
      for (int b = 0; b < B; b++) {
        const R* row = p + o.tables[j] + (size_t)rows[j * B + b] * C;
        std::copy(row, row + C, &a.E[(size_t)b * KC + j * C]);
      }
    fill_rows(a.hc.data(), KC, p + o.cb1, B, KC);
    gemm(kernels, false, false, B, KC, KC, one, a.E.data(), KC, p + o.cw1, KC, one, a.hc.data(), KC);
    ln_silu_forward(a.hc.data(), B, KC, p + o.cg, p + o.cbe, eps, a.xhc.data(), a.rsc.data(), a.zc.data(), a.ac.data());
    const R* am = a.ac.data();
    if (mask) {
      for (size_t j = 0; j < (size_t)B * KC; j++) a.am[j] = a.ac[j] * mask[j];
      am = a.am.data();
    }
    fill_rows(ctx + T, K, p + o.cb2, B, C);
    gemm(kernels, false, false, B, C, KC, one, am, KC, p + o.cw2, C, one, ctx + T, K);
    lastRows = rows;
    lastMask = mask;
  }

  // From dctx = ∂L/∂ctx [B, K] (of the last forward): adds the parameters' gradients to g.
  void backward(int B, const R* dctx, const R* p, R* g) {
    const int T = cfg.T, C = cfg.C;
    const R zero = 0;
    const R* dcemb = dctx + T;
    const R* am = lastMask ? a.am.data() : a.ac.data();
    linear_backward(kernels, B, KC, C, am, KC, dcemb, K, p + o.cw2, g + o.cw2, g + o.cb2, a.dac.data(), KC, zero);
    if (lastMask)
      for (size_t j = 0; j < (size_t)B * KC; j++) a.dac[j] *= lastMask[j];
    ln_silu_backward(a.dac.data(), B, KC, a.zc.data(), a.xhc.data(), a.rsc.data(), p + o.cg, g + o.cg, g + o.cbe, a.dac.data());
    linear_backward(kernels, B, KC, KC, a.E.data(), KC, a.dac.data(), KC, p + o.cw1, g + o.cw1, g + o.cb1, a.dE.data(), KC, zero);
    for (size_t j = 0; j < o.tables.size(); j++)
      for (int b = 0; b < B; b++) {
        R* row = g + o.tables[j] + (size_t)lastRows[j * B + b] * C;
        const R* src = &a.dE[(size_t)b * KC + j * C];
        for (int c = 0; c < C; c++) row[c] += src[c];
      }
    // time MLP: fc2, SiLU, fc1 (the sinusoidal features are not learned)
    linear_backward(kernels, B, T, T, a.ht.data(), T, dctx, K, p + o.tw2, g + o.tw2, g + o.tb2, a.dht.data(), T, zero);
    silu_backward(a.dht.data(), a.zt.data(), a.dht.data(), (size_t)B * T);
    linear_backward(kernels, B, T, T, a.e.data(), T, a.dht.data(), T, p + o.tw1, g + o.tw1, g + o.tb1);
  }

 private:
  struct Offsets {
    size_t tw1, tb1, tw2, tb2, cw1, cb1, cg, cbe, cw2, cb2;
    std::vector<size_t> tables;
  } o{};
  struct Acts {
    std::vector<R> e, zt, ht, E, hc, xhc, rsc, zc, ac, am, dac, dE, dht;
  } a;
  std::vector<R> freqs;
  int capacity = 0;
  const int32_t* lastRows = nullptr;
  const R* lastMask = nullptr;

  void ensure(int B) {
    if (B <= capacity) return;
    const size_t b = size_t(B), T = cfg.T;
    for (auto* v : {&a.e, &a.zt, &a.ht, &a.dht}) v->resize(b * T);
    for (auto* v : {&a.E, &a.hc, &a.xhc, &a.zc, &a.ac, &a.am, &a.dac, &a.dE}) v->resize(b * KC);
    a.rsc.resize(b);
    capacity = B;
  }
};

}  // namespace fb
