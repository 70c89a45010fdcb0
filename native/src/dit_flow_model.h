// The `dit` flow model (flow/flow-model.ts with velocity_net dit; flow/dit-velocity.ts),
// forward and backward written out per layer, llm.c style:
//   ctx = [time ‖ cond] (context_embedding.h), sc = SiLU(ctx)                        [B, K]
//   h = patchify(x_t)·W_e + b_e + positions                                          [B·Tk, d]
//   depth × block:  (β1, γ1, α1, β2, γ2, α2) = sc·W_ada + b_ada                        [B, 6d]
//                   h ← h + α1 ⊙ MHSA(LN(h)⊙(1+γ1) + β1)
//                   h ← h + α2 ⊙ fc2(SiLU(fc1(LN(h)⊙(1+γ2) + β2)))
//   (β, γ) = sc·W_fa + b_fa;  v̂ = unpatchify((LN(h)⊙(1+γ) + β)·W_out + b_out)          [B, L·C]
//   flow loss: x_t = (1−t)·ε + t·x, L = mean (v̂ − (x − ε))².
// Parameters: one contiguous block in the TypeScript engine's order and names (dit.*).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "adaln.h"
#include "attention.h"
#include "context_embedding.h"
#include "flow_objective.h"
#include "gemm.h"
#include "layers.h"
#include "param_layout.h"

namespace fb {

struct DitConfig {
  int L;        // window length
  int channels; // C of [B, L, C]
  int patch;
  int d;        // token_dim
  int depth;
  int heads;
  int hidden;   // feed-forward width
  ContextConfig ctx;
};

template <typename R>
class DitFlowModel : public FlowModel<DitFlowModel<R>, R> {
  using Base = FlowModel<DitFlowModel<R>, R>;
  friend Base;

 public:
  using Base::context;
  using Base::D;
  using Base::K;
  using Base::kernels;
  using Base::layout;
  using Base::numParams;
  const DitConfig cfg;
  const int Tk;  // tokens per window
  const int P;   // values per patch (patch · channels)

  explicit DitFlowModel(const DitConfig& c)
      : Base(c.ctx, c.L * c.channels), cfg(c), Tk(c.patch > 0 ? c.L / c.patch : 0), P(c.patch * c.channels) {
    if (c.L < 1 || c.channels < 1 || c.patch < 1 || c.d < 1 || c.depth < 1 || c.heads < 1 || c.hidden < 1)
      throw std::invalid_argument("DitFlowModel: L, channels, patch, d, depth, heads and hidden must be ≥ 1");
    if (c.L % c.patch) throw std::invalid_argument("DitFlowModel: patch " + std::to_string(c.patch) + " does not divide L " + std::to_string(c.L));
    if (c.d % c.heads) throw std::invalid_argument("DitFlowModel: d " + std::to_string(c.d) + " is not divisible by heads " + std::to_string(c.heads));
    const int d = c.d, H = c.hidden;
    o.we = layout.add("dit.embed.w", {P, d});
    o.be = layout.add("dit.embed.b", {d});
    for (int i = 0; i < c.depth; i++) {
      const std::string b = "dit.block" + std::to_string(i) + ".";
      BlockOffsets bo{};
      bo.ada_w = layout.add(b + "ada.w", {K, 6 * d});
      bo.ada_b = layout.add(b + "ada.b", {6 * d});
      bo.qkv_w = layout.add(b + "attn.qkv.w", {d, 3 * d});
      bo.qkv_b = layout.add(b + "attn.qkv.b", {3 * d});
      bo.out_w = layout.add(b + "attn.out.w", {d, d});
      bo.out_b = layout.add(b + "attn.out.b", {d});
      bo.fc1_w = layout.add(b + "mlp.fc1.w", {d, H});
      bo.fc1_b = layout.add(b + "mlp.fc1.b", {H});
      bo.fc2_w = layout.add(b + "mlp.fc2.w", {H, d});
      bo.fc2_b = layout.add(b + "mlp.fc2.b", {d});
      o.blocks.push_back(bo);
    }
    o.fa_w = layout.add("dit.final.ada.w", {K, 2 * d});
    o.fa_b = layout.add("dit.final.ada.b", {2 * d});
    o.out_w = layout.add("dit.final.out.w", {d, P});
    o.out_b = layout.add("dit.final.out.b", {P});
    numParams = layout.total;
    // positions.ts: PE[n, 2i] = sin(n / 10000^(2i/d)), PE[n, 2i+1] = cos(…)
    pos.resize((size_t)Tk * d);
    for (int n = 0; n < Tk; n++)
      for (int j = 0; j < d; j++) {
        const int i2 = j - (j % 2);
        const double ang = n / std::pow(10000.0, double(i2) / d);
        pos[(size_t)n * d + j] = R(j % 2 == 0 ? std::sin(ang) : std::cos(ang));
      }
    blocks.resize(c.depth);
  }

  // The flow loss alone (evaluation: no gradient, no dropout). Shapes as lossAndGrad.
  double loss(int B, const R* x, const R* t, const R* noise, const int32_t* rows) {
    ensure(B);
    context.checkRows(B, rows);
    const size_t n = (size_t)B * D;
    flow_interpolate(B, D, x, t, noise, a.xt.data());
    forward(B, a.xt.data(), t, rows, nullptr, a.v.data());
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
      const double diff = double(a.v[j]) - (double(x[j]) - noise[j]);
      sum += diff * diff;
    }
    return sum / double(n);
  }

  // Encoder features (dit-velocity.ts pooledFeatures at t = 1): the trunk's output averaged
  // over each window's tokens.  x [B, D], rows [k, B] (unknown) → feats [B, d]; saves for
  // featuresBackward.
  void features(int B, const R* x, const int32_t* rows, R* feats) {
    ensure(B);
    context.checkRows(B, rows);
    a.ones.assign(B, R(1));
    forwardTrunk(B, x, a.ones.data(), rows, nullptr);
    const int d = cfg.d;
    for (int b = 0; b < B; b++) {
      R* f = feats + (size_t)b * d;
      std::fill(f, f + d, R(0));
      for (int k = 0; k < Tk; k++)
        for (int j = 0; j < d; j++) f[j] += a.xL[((size_t)b * Tk + k) * d + j];
      for (int j = 0; j < d; j++) f[j] /= R(Tk);
    }
  }

  // From dfeats [B, d] of the last features(B, x, …): adds the parameters' gradients.
  void featuresBackward(int B, const R* x, const R* dfeats) {
    const int d = cfg.d;
    for (int b = 0; b < B; b++)
      for (int k = 0; k < Tk; k++)
        for (int j = 0; j < d; j++) a.dx[((size_t)b * Tk + k) * d + j] = dfeats[(size_t)b * d + j] / R(Tk);
    std::fill(a.dsc.begin(), a.dsc.end(), R(0));
    backwardTrunk(B, x);
  }

  // x [B, D] ← Φ_{from→to}(x) under the evaluation-mode field, guided (w) when uncondRows is given.
  void integrateField(int B, R* x, Sampler method, int steps, double from, double to, const int32_t* rows,
                      const int32_t* uncondRows, R w) {
    integrate_guided(*this, B, D, x, method, steps, from, to, rows, uncondRows, w, scratch);
  }

 private:
  struct BlockOffsets {
    size_t ada_w, ada_b, qkv_w, qkv_b, out_w, out_b, fc1_w, fc1_b, fc2_w, fc2_b;
  };
  struct Offsets {
    size_t we, be, fa_w, fa_b, out_w, out_b;
    std::vector<BlockOffsets> blocks;
  } o{};
  // One block's saved activations: its input x, LN/modulate outputs, attention, MLP.
  struct BlockActs {
    std::vector<R> x, xh1, rs1, u1, qkv, probs, att_o, att, xmid, xh2, rs2, u2, f1, a1, f2, mod;
  };
  std::vector<BlockActs> blocks;
  struct Acts {
    std::vector<R> xt, v, dv, ctx, sc, xL, xhF, rsF, uF, fm, ones;
    std::vector<R> dx, du, dO, dqkv, dh, dmod, dfm, dsc, dctx, attScratch;
  } a;
  std::vector<R> pos, scratch;
  int capacity = 0;
  using Base::p;
  using Base::g;

  void ensure(int B) {
    if (B <= capacity) return;
    const size_t b = size_t(B), N = b * Tk, d = cfg.d, H = cfg.hidden;
    for (auto& k : blocks) {
      for (auto* v : {&k.x, &k.xh1, &k.u1, &k.att_o, &k.att, &k.xmid, &k.xh2, &k.u2, &k.f2}) v->resize(N * d);
      for (auto* v : {&k.rs1, &k.rs2}) v->resize(N);
      k.qkv.resize(N * 3 * d);
      k.probs.resize(b * cfg.heads * Tk * Tk);
      for (auto* v : {&k.f1, &k.a1}) v->resize(N * H);
      k.mod.resize(b * 6 * d);
    }
    for (auto* v : {&a.xt, &a.v, &a.dv}) v->resize(b * D);
    for (auto* v : {&a.ctx, &a.sc, &a.dsc, &a.dctx}) v->resize(b * K);
    for (auto* v : {&a.xL, &a.xhF, &a.uF, &a.dx, &a.du, &a.dO}) v->resize(N * d);
    a.rsF.resize(N);
    for (auto* v : {&a.fm, &a.dfm}) v->resize(b * 2 * d);
    a.dmod.resize(b * 6 * d);
    a.dqkv.resize(N * 3 * d);
    a.dh.resize(N * H);
    capacity = B;
  }

  AttentionShape attnShape(int B) const { return {B, Tk, cfg.heads, cfg.d / cfg.heads}; }

  // xt [B, D] (= [B·Tk, P]) → out [B, D]; saves every activation backward reads.
  void forward(int B, const R* xt, const R* t, const int32_t* rows, const R* mask, R* out) {
    forwardTrunk(B, xt, t, rows, mask);
    const int N = B * Tk, d = cfg.d;
    const R one = 1;
    R* fm = a.fm.data();
    fill_rows(fm, 2 * d, p + o.fa_b, B, 2 * d);
    gemm(kernels, false, false, B, 2 * d, K, one, a.sc.data(), K, p + o.fa_w, 2 * d, one, fm, 2 * d);
    ln_plain_forward(a.xL.data(), N, d, 1e-6, a.xhF.data(), a.rsF.data());
    modulate_forward(a.xhF.data(), B, Tk, d, fm, fm + d, 2 * d, a.uF.data());
    fill_rows(out, P, p + o.out_b, N, P);
    gemm(kernels, false, false, N, P, d, one, a.uF.data(), d, p + o.out_w, P, one, out, P);
  }

  // The context and the blocks: xt [B, D] → a.xL [B·Tk, d] (the trunk's output).
  void forwardTrunk(int B, const R* xt, const R* t, const int32_t* rows, const R* mask) {
    const int N = B * Tk, d = cfg.d, H = cfg.hidden;
    const R one = 1;
    const double eps = 1e-6;
    context.forward(B, t, rows, mask, p, a.ctx.data());
    silu_forward(a.ctx.data(), a.sc.data(), (size_t)B * K);
    // token embedding + positions → the first block's input
    R* h0 = blocks[0].x.data();
    for (int n = 0; n < N; n++) {
      const R* pr = &pos[(size_t)(n % Tk) * d];
      for (int j = 0; j < d; j++) h0[(size_t)n * d + j] = p[o.be + j] + pr[j];
    }
    gemm(kernels, false, false, N, d, P, one, xt, P, p + o.we, d, one, h0, d);
    for (int l = 0; l < cfg.depth; l++) {
      BlockActs& k = blocks[l];
      const BlockOffsets& w = o.blocks[l];
      R* next = l + 1 < cfg.depth ? blocks[l + 1].x.data() : a.xL.data();
      R* mod = k.mod.data();
      fill_rows(mod, 6 * d, p + w.ada_b, B, 6 * d);
      gemm(kernels, false, false, B, 6 * d, K, one, a.sc.data(), K, p + w.ada_w, 6 * d, one, mod, 6 * d);
      ln_plain_forward(k.x.data(), N, d, eps, k.xh1.data(), k.rs1.data());
      modulate_forward(k.xh1.data(), B, Tk, d, mod, mod + d, 6 * d, k.u1.data());
      fill_rows(k.qkv.data(), 3 * d, p + w.qkv_b, N, 3 * d);
      gemm(kernels, false, false, N, 3 * d, d, one, k.u1.data(), d, p + w.qkv_w, 3 * d, one, k.qkv.data(), 3 * d);
      attention_forward(kernels, attnShape(B), k.qkv.data(), k.probs.data(), k.att_o.data());
      fill_rows(k.att.data(), d, p + w.out_b, N, d);
      gemm(kernels, false, false, N, d, d, one, k.att_o.data(), d, p + w.out_w, d, one, k.att.data(), d);
      gate_forward(k.x.data(), k.att.data(), B, Tk, d, mod + 2 * d, 6 * d, k.xmid.data());
      ln_plain_forward(k.xmid.data(), N, d, eps, k.xh2.data(), k.rs2.data());
      modulate_forward(k.xh2.data(), B, Tk, d, mod + 3 * d, mod + 4 * d, 6 * d, k.u2.data());
      fill_rows(k.f1.data(), H, p + w.fc1_b, N, H);
      gemm(kernels, false, false, N, H, d, one, k.u2.data(), d, p + w.fc1_w, H, one, k.f1.data(), H);
      silu_forward(k.f1.data(), k.a1.data(), (size_t)N * H);
      fill_rows(k.f2.data(), d, p + w.fc2_b, N, d);
      gemm(kernels, false, false, N, d, H, one, k.a1.data(), H, p + w.fc2_w, d, one, k.f2.data(), d);
      gate_forward(k.xmid.data(), k.f2.data(), B, Tk, d, mod + 5 * d, 6 * d, next);
    }
  }

  // From a.dv = ∂L/∂v̂ [B, D] and the forward's input xt: adds every parameter's gradient.
  void backward(int B, const R* xt) {
    const int N = B * Tk, d = cfg.d;
    const R zero = 0;
    const R* dy = a.dv.data();
    R* du = a.du.data();
    R* dx = a.dx.data();
    // final layer: out = uF·W_out + b_out, uF = modulate(LN(xL); β, γ)
    linear_backward(kernels, N, d, P, a.uF.data(), d, dy, P, p + o.out_w, g + o.out_w, g + o.out_b, du, d, zero);
    std::fill(a.dfm.begin(), a.dfm.end(), R(0));
    modulate_backward(du, a.xhF.data(), B, Tk, d, a.fm.data() + d, 2 * d, a.dfm.data(), a.dfm.data() + d, du);
    std::fill(dx, dx + (size_t)N * d, R(0));
    ln_plain_backward_add(du, a.xhF.data(), a.rsF.data(), N, d, dx);
    linear_backward(kernels, B, K, 2 * d, a.sc.data(), K, a.dfm.data(), 2 * d, p + o.fa_w, g + o.fa_w, g + o.fa_b, a.dsc.data(), K, zero);
    backwardTrunk(B, xt);
  }

  // From a.dx = ∂L/∂xL [B·Tk, d] and a.dsc = ∂L/∂SiLU(ctx) so far [B, K]: the blocks, the
  // token embedding and the context embedding (the forward's input xt).
  void backwardTrunk(int B, const R* xt) {
    const int N = B * Tk, d = cfg.d, H = cfg.hidden;
    const R one = 1, zero = 0;
    R* du = a.du.data();
    R* dx = a.dx.data();
    for (int l = cfg.depth - 1; l >= 0; l--) {
      BlockActs& k = blocks[l];
      const BlockOffsets& w = o.blocks[l];
      const R* mod = k.mod.data();
      R* dmod = a.dmod.data();
      std::fill(a.dmod.begin(), a.dmod.end(), R(0));
      // MLP branch: x_next = xmid + α2 ⊙ f2
      gate_backward(dx, k.f2.data(), B, Tk, d, mod + 5 * d, 6 * d, dmod + 5 * d, du);
      linear_backward(kernels, N, H, d, k.a1.data(), H, du, d, p + w.fc2_w, g + w.fc2_w, g + w.fc2_b, a.dh.data(), H, zero);
      silu_backward(a.dh.data(), k.f1.data(), a.dh.data(), (size_t)N * H);
      linear_backward(kernels, N, d, H, k.u2.data(), d, a.dh.data(), H, p + w.fc1_w, g + w.fc1_w, g + w.fc1_b, du, d, zero);
      modulate_backward(du, k.xh2.data(), B, Tk, d, mod + 4 * d, 6 * d, dmod + 3 * d, dmod + 4 * d, du);
      ln_plain_backward_add(du, k.xh2.data(), k.rs2.data(), N, d, dx);
      // attention branch: xmid = x + α1 ⊙ att
      gate_backward(dx, k.att.data(), B, Tk, d, mod + 2 * d, 6 * d, dmod + 2 * d, du);
      linear_backward(kernels, N, d, d, k.att_o.data(), d, du, d, p + w.out_w, g + w.out_w, g + w.out_b, a.dO.data(), d, zero);
      attention_backward(kernels, attnShape(B), k.qkv.data(), k.probs.data(), a.dO.data(), a.dqkv.data(), a.attScratch);
      linear_backward(kernels, N, d, 3 * d, k.u1.data(), d, a.dqkv.data(), 3 * d, p + w.qkv_w, g + w.qkv_w, g + w.qkv_b, du, d, zero);
      modulate_backward(du, k.xh1.data(), B, Tk, d, mod + d, 6 * d, dmod, dmod + d, du);
      ln_plain_backward_add(du, k.xh1.data(), k.rs1.data(), N, d, dx);
      // the block's modulation from sc
      linear_backward(kernels, B, K, 6 * d, a.sc.data(), K, dmod, 6 * d, p + w.ada_w, g + w.ada_w, g + w.ada_b, a.dsc.data(), K, one);
    }
    // token embedding (x_t is data: no input gradient)
    linear_backward(kernels, N, P, d, xt, P, dx, d, p + o.we, g + o.we, g + o.be);
    silu_backward(a.dsc.data(), a.ctx.data(), a.dctx.data(), (size_t)B * K);
    context.backward(B, a.dctx.data(), p, g);
  }
};

}  // namespace fb
