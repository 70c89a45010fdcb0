// Vectorised elementwise loops on any x86-64 build. With GCC on x86-64 glibc:
//  - FB_VECTOR_CLONES compiles a function three times (baseline SSE2, AVX2, AVX-512) and picks
//    one when the addon loads, so the build still runs on every x86-64;
//  - log, sin, cos, exp and expf are declared SIMD, so a loop calling them vectorises into
//    glibc's libmvec (≤ 4 ulp; the libm call it replaces is ≤ 1 ulp: results may differ in the
//    last bit between machines, as OpenBLAS's kernels already make them).
// Elsewhere (clang, macOS, Windows, arm64) both are no-ops and the same loops call libm.
// binding.gyp's -ffp-contract=off keeps every clone's arithmetic two-rounding, as JavaScript's.
#pragma once
#include <cmath>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
extern "C" {
#pragma omp declare simd notinbranch
double log(double) noexcept;
#pragma omp declare simd notinbranch
double sin(double) noexcept;
#pragma omp declare simd notinbranch
double cos(double) noexcept;
#pragma omp declare simd notinbranch
double exp(double) noexcept;
#pragma omp declare simd notinbranch
float expf(float) noexcept;
}
#define FB_VECTOR_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define FB_VECTOR_CLONES
#endif
