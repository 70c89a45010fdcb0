// Matrix products, row-major: C[M,N] = alpha·op(A)[M,K]·op(B)[K,N] + beta·C.
// A naive reference loop sits beside the BLAS call; Kernels::Reference selects it so the
// tests can check the fast path against plain arithmetic (and run float64 on small shapes).
#pragma once
#ifdef FB_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
#include <type_traits>

namespace fb {

enum class Kernels { Fast, Reference };

// Shapes: op(A) [M,K] (A stored [M,K], or [K,M] when ta), op(B) [K,N] (B [K,N], or [N,K] when tb),
// C [M,N]. Leading dimensions are the stored row widths. Accumulates in double.
template <typename R>
void gemm_naive(bool ta, bool tb, int M, int N, int K, R alpha, const R* A, int lda, const R* B, int ldb, R beta, R* C,
                int ldc) {
  for (int i = 0; i < M; i++) {
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < K; k++) {
        const double a = ta ? A[k * lda + i] : A[i * lda + k];
        const double b = tb ? B[j * ldb + k] : B[k * ldb + j];
        s += a * b;
      }
      const double prev = beta == R(0) ? 0.0 : double(beta) * C[i * ldc + j];  // beta 0 ignores C (may be garbage)
      C[i * ldc + j] = R(double(alpha) * s + prev);
    }
  }
}

// Same shapes as gemm_naive; BLAS (sgemm/dgemm) unless the reference kernels are chosen.
template <typename R>
void gemm(Kernels kern, bool ta, bool tb, int M, int N, int K, R alpha, const R* A, int lda, const R* B, int ldb, R beta,
          R* C, int ldc) {
  if (M == 0 || N == 0) return;
  if (kern == Kernels::Reference || K == 0) {
    gemm_naive(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  const auto opA = ta ? CblasTrans : CblasNoTrans;
  const auto opB = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<R, float>) {
    cblas_sgemm(CblasRowMajor, opA, opB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  } else {
    cblas_dgemm(CblasRowMajor, opA, opB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  }
}

}  // namespace fb
