// Node-API binding of the native engine: classes MlpEngine and DitEngine over the mlp and dit
// flow models (float or double, one EngineWrap base).
// JS sees typed arrays over blocks it owns (ArrayBuffers made here, so they also work under
// Electron's V8 sandbox, which refuses external buffers) and never a pointer. Bad arguments
// throw a JS TypeError/RangeError naming the argument and what is valid.
#include <napi.h>

#include <cmath>
#include <memory>
#include <string>
#include <type_traits>

#include "dit_contrastive.h"
#include "dit_flow_model.h"
#include "mlp_flow_model.h"
#include "normal_draws.h"
#include "optimizer.h"
#include "samplers.h"

namespace {

using fb::Kernels;
using fb::MlpConfig;
using fb::MlpFlowModel;

int intOpt(const Napi::Object& o, const char* key, int lo) {
  const Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("MlpEngine: option ") + key + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != double(int(d)) || d < lo)
    throw Napi::RangeError::New(o.Env(), std::string("MlpEngine: option ") + key + " must be an integer ≥ " + std::to_string(lo) +
                                             ", got " + std::to_string(d));
  return int(d);
}

template <typename R>
constexpr napi_typedarray_type arrayType() {
  return std::is_same_v<R, float> ? napi_float32_array : napi_float64_array;
}

// A typed array of element type R and exactly `n` values (or at least `n` when !exact).
template <typename R>
R* arrayArg(const Napi::CallbackInfo& info, size_t i, const char* what, size_t n) {
  const Napi::Value v = info[i];
  const char* type = std::is_same_v<R, float> ? "Float32Array" : "Float64Array";
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != arrayType<R>())
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a " + type);
  auto a = v.As<Napi::TypedArray>();
  if (a.ElementLength() != n)
    throw Napi::RangeError::New(info.Env(), std::string(what) + " has " + std::to_string(a.ElementLength()) + " values, needs " +
                                                std::to_string(n));
  return reinterpret_cast<R*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

const int32_t* rowsArg(const Napi::CallbackInfo& info, size_t i, const char* what, size_t n) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an Int32Array");
  auto a = v.As<Napi::TypedArray>();
  if (a.ElementLength() != n)
    throw Napi::RangeError::New(info.Env(), std::string(what) + " has " + std::to_string(a.ElementLength()) +
                                                " values, needs " + std::to_string(n) + " (conditions × batch)");
  return reinterpret_cast<const int32_t*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

double numArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int batchArg(const Napi::CallbackInfo& info, size_t i) {
  const double b = numArg(info, i, "batch size");
  if (b < 1 || b != double(int(b))) throw Napi::RangeError::New(info.Env(), "batch size must be a positive integer");
  return int(b);
}

// One parameter-sized block, owned by a JS ArrayBuffer kept alive by a reference.
template <typename R>
struct Block {
  Napi::Reference<Napi::ArrayBuffer> ref;
  R* data = nullptr;
  void make(Napi::Env env, size_t n) {
    auto ab = Napi::ArrayBuffer::New(env, n * sizeof(R));
    data = static_cast<R*>(ab.Data());
    std::fill(data, data + n, R(0));
    ref = Napi::Persistent(ab);
  }
  Napi::Value view(Napi::Env env, size_t n) const {
    if constexpr (std::is_same_v<R, float>) return Napi::Float32Array::New(env, n, ref.Value(), 0);
    else return Napi::Float64Array::New(env, n, ref.Value(), 0);
  }
};

// The context embedding's options: { T, C, timeScale, conditions: string[], conditionRows: number[] }.
fb::ContextConfig contextOptions(const Napi::Object& o, const char* who) {
  Napi::Env env = o.Env();
  fb::ContextConfig c;
  c.T = intOpt(o, "T", 2);
  c.C = intOpt(o, "C", 1);
  if (!o.Get("timeScale").IsNumber()) throw Napi::TypeError::New(env, std::string(who) + ": option timeScale must be a number");
  c.timeScale = o.Get("timeScale").As<Napi::Number>().DoubleValue();
  if (!o.Get("conditions").IsArray() || !o.Get("conditionRows").IsArray())
    throw Napi::TypeError::New(env, std::string(who) + ": options conditions (string[]) and conditionRows (number[]) are required");
  const auto names = o.Get("conditions").As<Napi::Array>();
  const auto rows = o.Get("conditionRows").As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) c.condNames.push_back(names.Get(i).ToString().Utf8Value());
  for (uint32_t i = 0; i < rows.Length(); i++) c.condRows.push_back(rows.Get(i).ToNumber().Int32Value());
  return c;
}

// A layout as [{ name, shape, offset, size }], in the TypeScript engine's parameter order.
Napi::Value layoutArray(Napi::Env env, const fb::ParamLayout& layout) {
  auto out = Napi::Array::New(env, layout.entries.size());
  for (size_t i = 0; i < layout.entries.size(); i++) {
    const auto& p = layout.entries[i];
    auto o = Napi::Object::New(env);
    o.Set("name", p.name);
    auto shape = Napi::Array::New(env, p.shape.size());
    for (size_t k = 0; k < p.shape.size(); k++) shape.Set(uint32_t(k), p.shape[k]);
    o.Set("shape", shape);
    o.Set("offset", double(p.offset));
    o.Set("size", double(p.size));
    out.Set(uint32_t(i), o);
  }
  return out;
}

// The batch every flow call starts with, checked in this order against the model (both models
// have D, context.cfg.condRows and context.KC): (B, x [B·D], t [B], noise [B·D], rows [k·B]
// and, withMask, mask [B·kC] | null).
template <typename R>
struct FlowArgs {
  int B;
  const R* x;
  const R* t;
  const R* noise;
  const int32_t* rows;
  const R* mask;
};

template <typename R, typename Model>
FlowArgs<R> flowArgs(const Napi::CallbackInfo& info, const Model& model, bool withMask) {
  FlowArgs<R> a{};
  a.B = batchArg(info, 0);
  const size_t BD = size_t(a.B) * model.D;
  a.x = arrayArg<R>(info, 1, "x", BD);
  a.t = arrayArg<R>(info, 2, "t", size_t(a.B));
  a.noise = arrayArg<R>(info, 3, "noise", BD);
  a.rows = rowsArg(info, 4, "rows", model.context.cfg.condRows.size() * size_t(a.B));
  const bool noMask = !withMask || info[5].IsNull() || info[5].IsUndefined();
  a.mask = noMask ? nullptr : arrayArg<R>(info, 5, "mask", size_t(a.B) * model.context.KC);
  return a;
}

// integrate's arguments (B, x [B·D] in place, method, steps, from, to, rows [k·B],
// uncondRows [k·B] | null, guidance w), checked in this order.
template <typename R>
struct IntegrateArgs {
  int B;
  R* x;
  fb::Sampler method;
  int steps;
  double from, to;
  const int32_t* rows;
  const int32_t* uncond;
  R w;
};

template <typename R, typename Model>
IntegrateArgs<R> integrateArgs(const Napi::CallbackInfo& info, const Model& model) {
  IntegrateArgs<R> a{};
  a.B = batchArg(info, 0);
  a.x = arrayArg<R>(info, 1, "x", size_t(a.B) * model.D);
  if (!info[2].IsString()) throw Napi::TypeError::New(info.Env(), "integrate: method must be one of euler, heun, rk4");
  a.method = fb::samplerFromName(info[2].As<Napi::String>().Utf8Value());
  const double steps = numArg(info, 3, "steps");
  a.from = numArg(info, 4, "from");
  a.to = numArg(info, 5, "to");
  const size_t kB = model.context.cfg.condRows.size() * size_t(a.B);
  a.rows = rowsArg(info, 6, "rows", kB);
  a.uncond = info[7].IsNull() || info[7].IsUndefined() ? nullptr : rowsArg(info, 7, "uncondRows", kB);
  a.w = R(numArg(info, 8, "guidance scale"));
  if (steps < 1 || steps != double(int(steps))) throw Napi::RangeError::New(info.Env(), "integrate: steps must be a positive integer");
  a.steps = int(steps);
  return a;
}

// What MlpEngine and DitEngine share, written once: a state per precision (State<float> or
// State<double>, each with model, params and grads), the precision/kernels options, the
// C++-to-JS error boundary, and the bindings whose arguments and calls are the same for both
// models. Derived supplies otherBlock (its blocks beyond params and grads).
template <typename Derived, template <typename> class State>
class EngineWrap : public Napi::ObjectWrap<Derived> {
 protected:
  explicit EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Derived>(info) {}

  std::unique_ptr<State<float>> f32;
  std::unique_ptr<State<double>> f64;

  // The constructor's options object, or a TypeError naming the class.
  static Napi::Object options(const Napi::CallbackInfo& info, const char* who) {
    if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), std::string(who) + ": expected an options object");
    return info[0].As<Napi::Object>();
  }

  // Options precision ('f32' | 'f64', default f32) and kernels ('fast' | 'reference', default
  // fast); then build(f32 or f64, kernels) makes the state. C++ exceptions become JS errors.
  template <typename Build>
  void create(const Napi::Object& o, const char* who, Build&& build) {
    Napi::Env env = o.Env();
    const std::string precision = o.Has("precision") ? o.Get("precision").ToString().Utf8Value() : "f32";
    const std::string kernels = o.Has("kernels") ? o.Get("kernels").ToString().Utf8Value() : "fast";
    if (precision != "f32" && precision != "f64")
      throw Napi::RangeError::New(env, std::string(who) + ": precision \"" + precision + "\" is not one of f32, f64");
    if (kernels != "fast" && kernels != "reference")
      throw Napi::RangeError::New(env, std::string(who) + ": kernels \"" + kernels + "\" is not one of fast, reference");
    const Kernels k = kernels == "reference" ? Kernels::Reference : Kernels::Fast;
    try {
      if (precision == "f32") build(f32, k);
      else build(f64, k);
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
  }

  // Runs fn(state) on whichever precision this engine has; C++ exceptions become JS errors.
  template <typename F>
  Napi::Value dispatch(const Napi::CallbackInfo& info, F&& fn) {
    try {
      if (f32) return fn(*f32);
      return fn(*f64);
    } catch (const Napi::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
  }

  Napi::Value NumParams(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value { return Napi::Number::New(info.Env(), double(e.model.numParams)); });
  }

  // → [{ name, shape, offset, size }] in the TypeScript engine's parameter order.
  Napi::Value Layout(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value { return layoutArray(info.Env(), e.model.layout); });
  }

  // block(name) → a typed array over that whole block: params and grads, else Derived::otherBlock.
  Napi::Value BlockView(const Napi::CallbackInfo& info) {
    const std::string which = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    return dispatch(info, [&](auto& e) -> Napi::Value {
      const size_t n = e.model.numParams;
      if (which == "params") return e.params.view(info.Env(), n);
      if (which == "grads") return e.grads.view(info.Env(), n);
      return Derived::otherBlock(e, which, info.Env());
    });
  }

  // lossAndGrad(B, x [B·D], t [B], noise [B·D], rows Int32Array [k·B], mask [B·kC] | null,
  //             gradScale, accumulate) → flow loss (gradients into the grads block).
  Napi::Value LossAndGrad(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const FlowArgs<R> a = flowArgs<R>(info, e.model, true);
      const double scale = numArg(info, 6, "gradScale");
      const bool accumulate = info[7].ToBoolean().Value();
      return Napi::Number::New(info.Env(), e.model.lossAndGrad(a.B, a.x, a.t, a.noise, a.rows, a.mask, R(scale), accumulate));
    });
  }

  // velocity(B, xt [B·D], t [B], rows [k·B], out [B·D]) in evaluation mode.
  Napi::Value Velocity(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const int B = batchArg(info, 0);
      const size_t BD = size_t(B) * e.model.D;
      const R* xt = arrayArg<R>(info, 1, "xt", BD);
      const R* t = arrayArg<R>(info, 2, "t", size_t(B));
      const int32_t* rows = rowsArg(info, 3, "rows", e.model.context.cfg.condRows.size() * size_t(B));
      R* out = arrayArg<R>(info, 4, "out", BD);
      e.model.velocity(B, xt, t, rows, out);
      return info.Env().Undefined();
    });
  }
};

// ---- MlpEngine: the `mlp` flow model (mlp_flow_model.h) and its optimiser state -------------

template <typename R>
struct MlpState {
  MlpFlowModel<R> model;
  Block<R> params, grads, m, v, ema;
  explicit MlpState(const MlpConfig& c) : model(c) {}
};

class MlpEngine : public EngineWrap<MlpEngine, MlpState> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "MlpEngine",
                       {InstanceMethod("layout", &MlpEngine::Layout), InstanceMethod("block", &MlpEngine::BlockView),
                        InstanceMethod("lossAndGrad", &MlpEngine::LossAndGrad),
                        InstanceMethod("gradSumSquares", &MlpEngine::GradSumSquares),
                        InstanceMethod("adamStep", &MlpEngine::AdamStep), InstanceMethod("emaUpdate", &MlpEngine::EmaUpdate),
                        InstanceMethod("trainStep", &MlpEngine::TrainStep),
                        InstanceMethod("velocity", &MlpEngine::Velocity), InstanceMethod("integrate", &MlpEngine::Integrate),
                        InstanceAccessor("numParams", &MlpEngine::NumParams, nullptr)});
  }

  // new MlpEngine({ D, H, T, C, timeScale, conditions: string[], conditionRows: number[],
  //                 precision?: 'f32' | 'f64', kernels?: 'fast' | 'reference' })
  explicit MlpEngine(const Napi::CallbackInfo& info) : EngineWrap(info) {
    Napi::Env env = info.Env();
    const auto o = options(info, "MlpEngine");
    MlpConfig c;
    c.D = intOpt(o, "D", 1);
    c.H = intOpt(o, "H", 1);
    c.ctx = contextOptions(o, "MlpEngine");
    create(o, "MlpEngine", [&](auto& e, Kernels kernels) {
      e = std::make_unique<typename std::remove_reference_t<decltype(e)>::element_type>(c);
      e->model.setKernels(kernels);
      for (auto* b : {&e->params, &e->grads, &e->m, &e->v, &e->ema}) b->make(env, e->model.numParams);
      e->model.bind(e->params.data, e->grads.data);
    });
  }

  // The optimiser's blocks: m, v, ema.
  template <typename S>
  static Napi::Value otherBlock(S& e, const std::string& which, Napi::Env env) {
    const size_t n = e.model.numParams;
    if (which == "m") return e.m.view(env, n);
    if (which == "v") return e.v.view(env, n);
    if (which == "ema") return e.ema.view(env, n);
    throw Napi::RangeError::New(env, "block \"" + which + "\" is not one of params, grads, m, v, ema");
  }

 private:
  Napi::Value GradSumSquares(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      return Napi::Number::New(info.Env(), fb::sum_squares(e.grads.data, e.model.numParams));
    });
  }

  // The number o[key], or a TypeError naming the method and the key.
  static double scalar(const Napi::Object& o, const char* method, const char* key) {
    if (!o.Get(key).IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(method) + ": " + key + " must be a number");
    return o.Get(key).As<Napi::Number>().DoubleValue();
  }

  // The update's scalars (gradScale absent: 1, for trainStep, which sets it from the clip factor).
  static fb::AdamScalars adamScalars(const Napi::CallbackInfo& info, size_t i, const char* method) {
    if (!info[i].IsObject()) throw Napi::TypeError::New(info.Env(), std::string(method) + ": expected the update's scalars as an object");
    const auto o = info[i].As<Napi::Object>();
    auto num = [&](const char* k) { return scalar(o, method, k); };
    return {num("beta1"), num("beta2"), num("eps"), num("decay"), o.Has("gradScale") ? num("gradScale") : 1.0, num("l2"),
            num("stepSize"), num("sqrtBc2")};
  }

  // adamStep({ beta1, beta2, eps, decay, gradScale, l2, stepSize, sqrtBc2 }): one pass over the block.
  Napi::Value AdamStep(const Napi::CallbackInfo& info) {
    const fb::AdamScalars s = adamScalars(info, 0, "adamStep");
    return dispatch(info, [&](auto& e) -> Napi::Value {
      fb::adam_step(e.params.data, e.grads.data, e.m.data, e.v.data, e.model.numParams, s);
      return info.Env().Undefined();
    });
  }

  // trainStep(B, x, t, noise, rows, mask | null, { clip, emaDecay, beta1, beta2, eps, decay, l2, stepSize, sqrtBc2 })
  //   → { loss, norm, applied }: the whole optimiser step in one call, the same arithmetic as
  //   lossAndGrad → gradSumSquares → adamStep → emaUpdate: the global norm ‖g‖, the clip factor
  //   clip/(‖g‖ + 1e-6) when clip > 0 and ‖g‖ > clip (train/clipping.ts) riding into the update,
  //   then the EMA when emaDecay > 0. A non-finite loss or norm updates nothing (applied false).
  Napi::Value TrainStep(const Napi::CallbackInfo& info) {
    fb::AdamScalars s = adamScalars(info, 6, "trainStep");
    const auto o = info[6].As<Napi::Object>();
    const double clip = scalar(o, "trainStep", "clip"), emaDecay = scalar(o, "trainStep", "emaDecay");
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const FlowArgs<R> a = flowArgs<R>(info, e.model, true);
      const size_t n = e.model.numParams;
      const double loss = e.model.lossAndGrad(a.B, a.x, a.t, a.noise, a.rows, a.mask, R(1), false);
      const double norm = std::sqrt(fb::sum_squares(e.grads.data, n));
      const bool applied = std::isfinite(loss) && std::isfinite(norm);
      if (applied) {
        s.gradScale = clip > 0 && norm > clip ? clip / (norm + 1e-6) : 1.0;
        fb::adam_step(e.params.data, e.grads.data, e.m.data, e.v.data, n, s);
        if (emaDecay > 0) fb::ema_update(e.ema.data, e.params.data, n, emaDecay);
      }
      auto out = Napi::Object::New(info.Env());
      out.Set("loss", loss);
      out.Set("norm", norm);
      out.Set("applied", applied);
      return out;
    });
  }

  // emaUpdate(d): ema ← d·ema + (1 − d)·params.
  Napi::Value EmaUpdate(const Napi::CallbackInfo& info) {
    const double d = numArg(info, 0, "EMA decay");
    return dispatch(info, [&](auto& e) -> Napi::Value {
      fb::ema_update(e.ema.data, e.params.data, e.model.numParams, d);
      return info.Env().Undefined();
    });
  }

  // integrate(B, x [B·D] in place, method, steps, from, to, rows [k·B], uncondRows [k·B] | null,
  //           guidance w, route? 'auto' | 'plain' | 'hidden'): x ← Φ_{from→to}(x) under the
  //           evaluation-mode (guided) field (route: MlpFlowModel::Route).
  Napi::Value Integrate(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const IntegrateArgs<R> a = integrateArgs<R>(info, e.model);
      using Route = typename std::remove_reference_t<decltype(e.model)>::Route;
      Route route = Route::Auto;
      if (info.Length() > 9 && !info[9].IsUndefined()) {
        const std::string r = info[9].ToString().Utf8Value();
        if (r == "plain") route = Route::Plain;
        else if (r == "hidden") route = Route::Hidden;
        else if (r != "auto") throw Napi::RangeError::New(info.Env(), "integrate: route \"" + r + "\" is not one of auto, plain, hidden");
      }
      e.model.integrateField(a.B, a.x, a.method, a.steps, a.from, a.to, a.rows, a.uncond, a.w, route);
      return info.Env().Undefined();
    });
  }
};

// ---- DitEngine: the `dit` flow model (dit_flow_model.h) -----------------------------------

template <typename R>
struct DitState {
  fb::DitFlowModel<R> model;
  Block<R> params, grads;
  // The contrastive branch, when the options name a projection head.
  std::unique_ptr<fb::DitContrastive<R>> contrastive;
  Block<R> headParams, headGrads;
  explicit DitState(const fb::DitConfig& c) : model(c) {}
};

class DitEngine : public EngineWrap<DitEngine, DitState> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "DitEngine",
                       {InstanceMethod("layout", &DitEngine::Layout), InstanceMethod("block", &DitEngine::BlockView),
                        InstanceMethod("headLayout", &DitEngine::HeadLayout),
                        InstanceMethod("lossAndGrad", &DitEngine::LossAndGrad),
                        InstanceMethod("contrastiveLossAndGrad", &DitEngine::ContrastiveLossAndGrad),
                        InstanceMethod("loss", &DitEngine::Loss), InstanceMethod("contrastiveLoss", &DitEngine::ContrastiveLoss),
                        InstanceMethod("velocity", &DitEngine::Velocity), InstanceMethod("integrate", &DitEngine::Integrate),
                        InstanceAccessor("numParams", &DitEngine::NumParams, nullptr)});
  }

  // new DitEngine({ L, channels, patch, d, depth, heads, hidden, T, C, timeScale, conditions,
  //                 conditionRows, precision?: 'f32' | 'f64', kernels?: 'fast' | 'reference' })
  explicit DitEngine(const Napi::CallbackInfo& info) : EngineWrap(info) {
    Napi::Env env = info.Env();
    const auto o = options(info, "DitEngine");
    fb::DitConfig c;
    c.L = intOpt(o, "L", 1);
    c.channels = intOpt(o, "channels", 1);
    c.patch = intOpt(o, "patch", 1);
    c.d = intOpt(o, "d", 1);
    c.depth = intOpt(o, "depth", 1);
    c.heads = intOpt(o, "heads", 1);
    c.hidden = intOpt(o, "hidden", 1);
    c.ctx = contextOptions(o, "DitEngine");
    // head: { hidden, out } adds the contrastive branch's projection head.
    int headHidden = 0, headOut = 0;
    if (o.Has("head") && o.Get("head").IsObject()) {
      const auto h = o.Get("head").As<Napi::Object>();
      headHidden = intOpt(h, "hidden", 1);
      headOut = intOpt(h, "out", 1);
    }
    create(o, "DitEngine", [&](auto& e, Kernels kernels) {
      e = std::make_unique<typename std::remove_reference_t<decltype(e)>::element_type>(c);
      e->model.setKernels(kernels);
      for (auto* b : {&e->params, &e->grads}) b->make(env, e->model.numParams);
      e->model.bind(e->params.data, e->grads.data);
      if (headHidden > 0) {
        e->contrastive = std::make_unique<typename decltype(e->contrastive)::element_type>(c.d, headHidden, headOut);
        for (auto* b : {&e->headParams, &e->headGrads}) b->make(env, e->contrastive->head.layout.total);
      }
    });
  }

  // The projection head's blocks: headParams, headGrads.
  template <typename S>
  static Napi::Value otherBlock(S& e, const std::string& which, Napi::Env env) {
    if ((which == "headParams" || which == "headGrads") && e.contrastive) {
      const size_t h = e.contrastive->head.layout.total;
      return which == "headParams" ? e.headParams.view(env, h) : e.headGrads.view(env, h);
    }
    throw Napi::RangeError::New(env, "DitEngine block \"" + which + "\" is not one of params, grads" +
                                         (e.contrastive ? ", headParams, headGrads" : " (no projection head)"));
  }

 private:
  // The projection head's parameters (proj.*), [] without a head.
  Napi::Value HeadLayout(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      return e.contrastive ? layoutArray(info.Env(), e.contrastive->head.layout) : Napi::Array::New(info.Env(), 0);
    });
  }

  // The contrastive calls' leading arguments (n, view1 [n·D], view2 [n·D], rows [k·2n],
  // temperature > 0), checked in this order after the head itself; errors name `method`.
  template <typename R>
  struct ContrastiveArgs {
    int n;
    const R* v1;
    const R* v2;
    const int32_t* rows;
    double tau;
  };

  template <typename R, typename S>
  static ContrastiveArgs<R> contrastiveArgs(const Napi::CallbackInfo& info, const S& e, const char* method) {
    if (!e.contrastive) throw Napi::Error::New(info.Env(), std::string(method) + ": this DitEngine was built without a projection head");
    ContrastiveArgs<R> a{};
    a.n = batchArg(info, 0);
    const size_t nD = size_t(a.n) * e.model.D;
    a.v1 = arrayArg<R>(info, 1, "view1", nD);
    a.v2 = arrayArg<R>(info, 2, "view2", nD);
    a.rows = rowsArg(info, 3, "rows", e.model.context.cfg.condRows.size() * size_t(2 * a.n));
    a.tau = numArg(info, 4, "temperature");
    if (!(a.tau > 0)) throw Napi::RangeError::New(info.Env(), std::string(method) + ": temperature must be > 0");
    return a;
  }

  // contrastiveLossAndGrad(n, view1 [n·D], view2 [n·D], rows [k·2n], temperature, gradScale,
  //                        accumulate) → NT-Xent loss; gradients into grads and headGrads.
  Napi::Value ContrastiveLossAndGrad(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const ContrastiveArgs<R> a = contrastiveArgs<R>(info, e, "contrastiveLossAndGrad");
      const double scale = numArg(info, 5, "gradScale");
      const bool accumulate = info[6].ToBoolean().Value();
      e.model.context.checkRows(2 * a.n, a.rows);
      const double loss = e.contrastive->lossAndGrad(e.model, e.grads.data, a.n, a.v1, a.v2, a.rows, a.tau, R(scale), accumulate,
                                                     e.headParams.data, e.headGrads.data);
      return Napi::Number::New(info.Env(), loss);
    });
  }

  // loss(B, x [B·D], t [B], noise [B·D], rows [k·B]) → the flow loss in evaluation mode (no gradient).
  Napi::Value Loss(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const FlowArgs<R> a = flowArgs<R>(info, e.model, false);
      return Napi::Number::New(info.Env(), e.model.loss(a.B, a.x, a.t, a.noise, a.rows));
    });
  }

  // contrastiveLoss(n, view1 [n·D], view2 [n·D], rows [k·2n], temperature) → NT-Xent (no gradient).
  Napi::Value ContrastiveLoss(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const ContrastiveArgs<R> a = contrastiveArgs<R>(info, e, "contrastiveLoss");
      e.model.context.checkRows(2 * a.n, a.rows);
      return Napi::Number::New(info.Env(), e.contrastive->loss(e.model, a.n, a.v1, a.v2, a.rows, a.tau, e.headParams.data));
    });
  }

  // integrate(B, x [B·D] in place, method, steps, from, to, rows [k·B], uncondRows | null, guidance w).
  Napi::Value Integrate(const Napi::CallbackInfo& info) {
    return dispatch(info, [&](auto& e) -> Napi::Value {
      using R = std::remove_reference_t<decltype(*e.params.data)>;
      const IntegrateArgs<R> a = integrateArgs<R>(info, e.model);
      e.model.integrateField(a.B, a.x, a.method, a.steps, a.from, a.to, a.rows, a.uncond, a.w);
      return info.Env().Undefined();
    });
  }
};
// ---- end DitEngine ---------------------------------------------------------------------------

#ifdef FB_ACCELERATE
// Accelerate sizes its own thread pool; engine.threads has no say there.
void setBlasThreads(int) {}
Napi::Object blasInfo(Napi::Env env) {
  auto o = Napi::Object::New(env);
  o.Set("blas", "accelerate");
  o.Set("threads", 0);
  return o;
}
#else
void setBlasThreads(int n) { openblas_set_num_threads(n); }
Napi::Object blasInfo(Napi::Env env) {
  auto o = Napi::Object::New(env);
  o.Set("blas", "openblas");
  o.Set("config", std::string(openblas_get_config()));
  o.Set("core", std::string(openblas_get_corename()));
  o.Set("threads", openblas_get_num_threads());
  return o;
}
#endif

// setThreads(n): the BLAS's thread count for this process.
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const double n = numArg(info, 0, "threads");
  if (n < 1 || n > 256 || n != double(int(n))) throw Napi::RangeError::New(info.Env(), "threads must be an integer in 1..256");
  setBlasThreads(int(n));
  return info.Env().Undefined();
}

// info() → { blas, config?, core?, threads }
Napi::Value Info(const Napi::CallbackInfo& info) { return blasInfo(info.Env()); }

// fillNormals(a, out Float32Array, offset, pairs, mean, std) → a after the draws
// (normal_draws.h: Rng.normalArray's pairs, out[offset .. offset + 2·pairs)).
Napi::Value FillNormals(const Napi::CallbackInfo& info) {
  const double a = numArg(info, 0, "a");
  if (a < 0 || a > 4294967295.0 || a != std::floor(a))
    throw Napi::RangeError::New(info.Env(), "fillNormals: a must be an unsigned 32-bit integer");
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(info.Env(), "fillNormals: out must be a Float32Array");
  auto out = info[1].As<Napi::TypedArray>();
  const double offset = numArg(info, 2, "offset"), pairs = numArg(info, 3, "pairs");
  if (offset < 0 || pairs < 0 || offset != std::floor(offset) || pairs != std::floor(pairs) ||
      offset + 2 * pairs > double(out.ElementLength()))
    throw Napi::RangeError::New(info.Env(), "fillNormals: offset and pairs must be integers ≥ 0 with offset + 2·pairs ≤ out.length (" +
                                                std::to_string(out.ElementLength()) + ")");
  float* data = reinterpret_cast<float*>(static_cast<uint8_t*>(out.ArrayBuffer().Data()) + out.ByteOffset()) + size_t(offset);
  const uint32_t next = fb::fill_normal_pairs(uint32_t(a), data, size_t(pairs), numArg(info, 4, "mean"), numArg(info, 5, "std"));
  return Napi::Number::New(info.Env(), double(next));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("MlpEngine", MlpEngine::Init(env));
  exports.Set("DitEngine", DitEngine::Init(env));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("fillNormals", Napi::Function::New(env, FillNormals));
  setBlasThreads(1);  // 1 thread unless engine.threads says otherwise (measured best at B = 32)
  return exports;
}

}  // namespace

NODE_API_MODULE(flowbench_native, Init)
