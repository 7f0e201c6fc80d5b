#pragma once
/// Did-you-mean: the closest candidate by edit distance (config keys,
/// commands, flags).

#include <optional>
#include <span>
#include <string_view>

namespace platformctl {

/// Levenshtein distance of `a` and `b`, compared case-insensitively, capped:
/// returns a value > `limit` as soon as the distance is known to exceed it.
/// Cost O(min(|a|,|b|) * limit), so a hostile 10 MB word costs no more than a
/// short one.
size_t BoundedEditDistance(std::string_view a, std::string_view b, size_t limit);

/// The candidate closest to `word` (ignoring case) when at most about one edit
/// per four characters away (at least 2), else nullopt.
std::optional<std::string_view> SuggestClosest(std::string_view word,
                                               std::span<const std::string_view> candidates);

}  // namespace platformctl
