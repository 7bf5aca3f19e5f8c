#pragma once
// Open Bandit Pipeline orders the Open Bandit Dataset with pandas' sort_values("timestamp"), i.e.
// numpy's default argsort on an object array: an introsort (median-of-3 quicksort, insertion sort
// below 17 elements, heapsort past the depth limit) that is not stable. Rows with equal timestamps
// therefore come out in an order only this exact algorithm reproduces; the parity fixtures and
// any replay depend on it, so here it is, step for step (numpy 1.24 npysort/quicksort.cpp,
// npy_aquicksort, and heapsort.cpp, npy_aheapsort).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace backdrop::bandit {

// Indices that sort `keys` ascending, bytewise, as numpy.argsort(kind="quicksort") does.
std::vector<int64_t> numpy_quicksort_argsort(std::span<const std::string> keys);

}  // namespace backdrop::bandit
