// Standard-normal draws from the run's generator (src-main/data/rng.ts): mulberry32 uniforms,
// Box–Muller pairs (cos then sin), the same stream Rng.normal() gives, value for value.
// Rng.normalArray hands its even-length stretches here: in V8 a draw costs ≈ 24 ns (software
// log/sin/cos), a quarter of the native MLP step (docs/PERFORMANCE.md); here ≈ 2 ns.
#pragma once
#include <cstddef>
#include <cstdint>

namespace fb {

// out[2i], out[2i+1] = float(mean + std·r·cos θ), float(mean + std·r·sin θ) for `pairs` pairs,
// r = √(−2 ln u), θ = 2π·v, u and v the generator's next two uniforms (u ≤ 1e−12 redrawn, as
// rng.ts does). `a` is the generator's counter before the draws; returns it after them.
uint32_t fill_normal_pairs(uint32_t a, float* out, size_t pairs, double mean, double std);

}  // namespace fb
