// Fixed-step ODE solvers for dx/dt = v(x, t) on the grid t_i = from + i·dt, dt = (to − from)/N
// (flow/samplers.ts): Euler, Heun (explicit trapezoid), classical RK4. From 0 to 1 is
// sampling, from 1 to 0 encode-to-noise. The field is any callable (x, t, out).
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb {

enum class Sampler { Euler, Heun, Rk4 };

inline Sampler samplerFromName(const std::string& s) {
  if (s == "euler") return Sampler::Euler;
  if (s == "heun") return Sampler::Heun;
  if (s == "rk4") return Sampler::Rk4;
  throw std::invalid_argument("sampler \"" + s + "\" is not one of euler, heun, rk4");
}

// x [n] is integrated in place. field(x, t, out) writes v(x, t) [n].
template <typename R, typename Field>
void integrate(Field&& field, R* x, size_t n, Sampler method, int steps, double from, double to) {
  if (steps < 1) throw std::invalid_argument("sampler steps must be a positive integer, got " + std::to_string(steps));
  const double dt = (to - from) / steps;
  std::vector<R> k1(n), k2, k3, k4, y;
  if (method != Sampler::Euler) {
    k2.resize(n);
    y.resize(n);
  }
  if (method == Sampler::Rk4) {
    k3.resize(n);
    k4.resize(n);
  }
  for (int i = 0; i < steps; i++) {
    const double t = from + i * dt;
    field(x, t, k1.data());
    if (method == Sampler::Euler) {
      for (size_t j = 0; j < n; j++) x[j] += R(dt) * k1[j];
    } else if (method == Sampler::Heun) {
      for (size_t j = 0; j < n; j++) y[j] = x[j] + R(dt) * k1[j];
      field(y.data(), t + dt, k2.data());
      for (size_t j = 0; j < n; j++) x[j] += R(dt / 2) * (k1[j] + k2[j]);
    } else {
      for (size_t j = 0; j < n; j++) y[j] = x[j] + R(dt / 2) * k1[j];
      field(y.data(), t + dt / 2, k2.data());
      for (size_t j = 0; j < n; j++) y[j] = x[j] + R(dt / 2) * k2[j];
      field(y.data(), t + dt / 2, k3.data());
      for (size_t j = 0; j < n; j++) y[j] = x[j] + R(dt) * k3[j];
      field(y.data(), t + dt, k4.data());
      for (size_t j = 0; j < n; j++) x[j] += R(dt / 6) * (k1[j] + R(2) * k2[j] + R(2) * k3[j] + k4[j]);
    }
  }
}

}  // namespace fb
