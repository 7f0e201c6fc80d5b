#include "platformctl/suggest.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace platformctl {
namespace {

char Fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

size_t BoundedEditDistance(std::string_view a, std::string_view b, size_t limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > limit) return limit + 1;
  // Banded dynamic programme: only cells within `limit` of the diagonal matter.
  const size_t big = limit + 1;
  std::vector<size_t> prev(a.size() + 1, big);
  std::vector<size_t> cur(a.size() + 1, big);
  for (size_t i = 0; i <= std::min(a.size(), limit); ++i) prev[i] = i;
  for (size_t j = 1; j <= b.size(); ++j) {
    const size_t lo = j > limit ? j - limit : 0;
    const size_t hi = std::min(a.size(), j + limit);
    std::fill(cur.begin(), cur.end(), big);
    if (lo == 0) cur[0] = j <= limit ? j : big;
    size_t row_min = cur[0];
    for (size_t i = std::max<size_t>(lo, 1); i <= hi; ++i) {
      const size_t sub = prev[i - 1] + (Fold(a[i - 1]) == Fold(b[j - 1]) ? 0 : 1);
      const size_t v = std::min({prev[i] + 1, cur[i - 1] + 1, sub});
      cur[i] = std::min(v, big);
      row_min = std::min(row_min, cur[i]);
    }
    if (row_min > limit) return big;
    std::swap(prev, cur);
  }
  return std::min(prev[a.size()], big);
}

std::optional<std::string_view> SuggestClosest(std::string_view word,
                                               std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  size_t best_d = 0;
  for (std::string_view c : candidates) {
    // Allow roughly one typo per four characters (FEAT_OAUTH_PROXY -> FEAT_OAUTH2_PROXY).
    const size_t limit = std::max<size_t>(2, std::min(word.size(), c.size()) / 4);
    const size_t d = BoundedEditDistance(word, c, limit);
    if (d > limit) continue;
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  return best;
}

}  // namespace platformctl
