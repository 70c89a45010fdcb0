// The parameter block's layout: named, shaped slices of one contiguous array, in the
// TypeScript engine's registration order (nn/params.ts), so a checkpoint is the same bytes
// whichever engine wrote it.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace fb {

struct ParamInfo {
  std::string name;
  std::vector<int> shape;
  size_t offset;
  size_t size;
};

struct ParamLayout {
  std::vector<ParamInfo> entries;
  size_t total = 0;

  // Appends a parameter; → its offset in the block.
  size_t add(const std::string& name, const std::vector<int>& shape) {
    size_t size = 1;
    for (int s : shape) size *= size_t(s);
    entries.push_back({name, shape, total, size});
    total += size;
    return total - size;
  }
};

}  // namespace fb
