#include "core/bandit/numpy_sort.h"

#include <utility>

namespace backdrop::bandit {
namespace {

constexpr std::ptrdiff_t kSmallQuicksort = 16;

class IndexSorter {
 public:
  explicit IndexSorter(std::span<const std::string> keys) : keys_(keys) {}

  bool less(int64_t a, int64_t b) const { return keys_[static_cast<std::size_t>(a)] < keys_[static_cast<std::size_t>(b)]; }

  // numpy's npy_aheapsort on tosort[0, n), with its 1-based indexing.
  void heapsort(int64_t* tosort, std::ptrdiff_t n) const {
    int64_t* a = tosort - 1;
    for (std::ptrdiff_t l = n >> 1; l > 0; --l) sift_down(a, l, n, a[l]);
    for (; n > 1;) {
      const int64_t tmp = a[n];
      a[n] = a[1];
      n -= 1;
      sift_down(a, 1, n, tmp);
    }
  }

  void introsort(int64_t* tosort, std::ptrdiff_t num) const {
    int64_t* pl = tosort;
    int64_t* pr = tosort + num - 1;
    std::vector<int64_t*> stack;
    std::vector<int> depth_stack;
    int cdepth = most_significant_bit(num) * 2;
    for (;;) {
      if (cdepth < 0) {
        heapsort(pl, pr - pl + 1);
      } else {
        while ((pr - pl) > kSmallQuicksort) {
          int64_t* pm = pl + ((pr - pl) >> 1);
          if (less(*pm, *pl)) std::swap(*pm, *pl);
          if (less(*pr, *pm)) std::swap(*pr, *pm);
          if (less(*pm, *pl)) std::swap(*pm, *pl);
          const int64_t pivot = *pm;
          int64_t* pi = pl;
          int64_t* pj = pr - 1;
          std::swap(*pm, *pj);
          for (;;) {
            do ++pi;
            while (less(*pi, pivot) && pi < pj);
            do --pj;
            while (less(pivot, *pj) && pi < pj);
            if (pi >= pj) break;
            std::swap(*pi, *pj);
          }
          std::swap(*pi, *(pr - 1));
          // The larger partition waits on the stack.
          if (pi - pl < pr - pi) {
            stack.push_back(pi + 1);
            stack.push_back(pr);
            pr = pi - 1;
          } else {
            stack.push_back(pl);
            stack.push_back(pi - 1);
            pl = pi + 1;
          }
          depth_stack.push_back(--cdepth);
        }
        insertion_sort(pl, pr);
      }
      if (stack.empty()) break;
      pr = stack.back();
      stack.pop_back();
      pl = stack.back();
      stack.pop_back();
      cdepth = depth_stack.back();
      depth_stack.pop_back();
    }
  }

 private:
  static int most_significant_bit(std::ptrdiff_t n) {
    int depth = 0;
    auto unsigned_n = static_cast<uint64_t>(n);
    while (unsigned_n >>= 1) ++depth;
    return depth;
  }

  void sift_down(int64_t* a, std::ptrdiff_t i, std::ptrdiff_t n, int64_t value) const {
    for (std::ptrdiff_t j = i << 1; j <= n;) {
      if (j < n && less(a[j], a[j + 1])) j += 1;
      if (less(value, a[j])) {
        a[i] = a[j];
        i = j;
        j += j;
      } else {
        break;
      }
    }
    a[i] = value;
  }

  void insertion_sort(int64_t* pl, int64_t* pr) const {
    for (int64_t* pi = pl + 1; pi <= pr; ++pi) {
      const int64_t value = *pi;
      int64_t* pj = pi;
      int64_t* pk = pi - 1;
      while (pj > pl && less(value, *pk)) *pj-- = *pk--;
      *pj = value;
    }
  }

  std::span<const std::string> keys_;
};

}  // namespace

std::vector<int64_t> numpy_quicksort_argsort(std::span<const std::string> keys) {
  std::vector<int64_t> order(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  if (order.size() > 1) IndexSorter(keys).introsort(order.data(), static_cast<std::ptrdiff_t>(order.size()));
  return order;
}

}  // namespace backdrop::bandit
