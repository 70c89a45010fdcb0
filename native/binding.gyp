# The native engine addon (Node-API, so one build loads in Node and Electron).
# Built by scripts/build-native.mjs, which first checks for a compiler and the BLAS headers.
# -fno-math-errno lets the compiler vectorise sqrt (Adam) without changing any result;
# -ffp-contract=off keeps a*b+c two roundings in every build (as JavaScript computes it), also
# in the AVX2/AVX-512 clones normal_draws.cc picks at load time (-fopenmp-simd: its SIMD math
# calls, glibc's libmvec on x86-64 Linux). No -march flags, so the build runs on any x86-64
# (OpenBLAS picks its kernels at run time).
{
  "targets": [
    {
      "target_name": "flowbench_native",
      "sources": ["src/addon.cc", "src/normal_draws.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-ffp-contract=off", "-fopenmp-simd"],
      "conditions": [
        ["OS=='linux'", {
          "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/aarch64-linux-gnu/openblas-pthread"],
          "libraries": ["-lopenblas"]
        }],
        ["OS=='linux' and target_arch=='x64'", {
          "libraries": ["-lmvec"]
        }],
        ["OS=='mac'", {
          "defines": ["FB_ACCELERATE"],
          "libraries": ["-framework Accelerate"],
          "xcode_settings": {"GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17", "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off"]}
        }],
        ["OS=='win'", {
          "libraries": ["openblas.lib"],
          "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"]}}
        }]
      ]
    }
  ]
}
