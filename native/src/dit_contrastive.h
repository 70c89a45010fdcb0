// The contrastive branch on the `dit` model (objective/joint-objective.ts contrastiveLoss):
// both augmented views [n, D] through the model's encoder trunk (features at t = 1, unknown
// condition) as one batch of 2n windows (every layer is per window), the projection head,
// NT-Xent; backward into the model's and the head's gradient blocks.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "dit_flow_model.h"
#include "nt_xent.h"
#include "projection_head.h"

namespace fb {

template <typename R>
class DitContrastive {
 public:
  ProjectionHead<R> head;

  DitContrastive(int featureDim, int hidden, int outputDim) : head(featureDim, hidden, outputDim) {}

  // v1, v2 [n, D]; rows [k, 2n] (the unknown condition); hp/hg the head's parameter and
  // gradient blocks. Gradients ×gradScale are added (blocks zeroed first unless accumulate).
  double lossAndGrad(DitFlowModel<R>& model, R* modelGrads, int n, const R* v1, const R* v2, const int32_t* rows,
                     double temperature, R gradScale, bool accumulate, const R* hp, R* hg) {
    if (n < 2) throw std::invalid_argument("contrastive branch: needs at least 2 windows per batch for negatives, got " + std::to_string(n));
    const int m = 2 * n, F = model.cfg.d;
    project(model, n, v1, v2, rows, hp);
    dfeats.resize((size_t)m * F);
    const double loss = nt_xent(model.kernels, n, head.P, z.data(), temperature, gradScale, dz.data(), scratch);
    if (!accumulate) {
      std::fill(modelGrads, modelGrads + model.numParams, R(0));
      std::fill(hg, hg + head.layout.total, R(0));
    }
    head.backward(m, feats.data(), z.data(), dz.data(), hp, hg, dfeats.data());
    model.featuresBackward(m, x.data(), dfeats.data());
    return loss;
  }

  // The loss alone (evaluation). Shapes as lossAndGrad.
  double loss(DitFlowModel<R>& model, int n, const R* v1, const R* v2, const int32_t* rows, double temperature, const R* hp) {
    if (n < 2) throw std::invalid_argument("contrastive branch: needs at least 2 windows per batch for negatives, got " + std::to_string(n));
    project(model, n, v1, v2, rows, hp);
    return nt_xent(model.kernels, n, head.P, z.data(), temperature, R(0), dz.data(), scratch);
  }

 private:
  std::vector<R> x, feats, dfeats, z, dz, scratch;

  // Both views through the trunk and the head: → z [2n, P] (and the saved activations).
  void project(DitFlowModel<R>& model, int n, const R* v1, const R* v2, const int32_t* rows, const R* hp) {
    const int m = 2 * n, D = model.D, F = model.cfg.d;
    head.kernels = model.kernels;
    x.resize((size_t)m * D);
    std::copy(v1, v1 + (size_t)n * D, x.begin());
    std::copy(v2, v2 + (size_t)n * D, x.begin() + (size_t)n * D);
    feats.resize((size_t)m * F);
    z.resize((size_t)m * head.P);
    dz.resize((size_t)m * head.P);
    model.features(m, x.data(), rows, feats.data());
    head.forward(m, feats.data(), hp, z.data());
  }
};

}  // namespace fb
