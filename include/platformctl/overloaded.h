#pragma once
/// `std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v)`: one
/// lambda per alternative; a missing one does not compile.

namespace platformctl {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace platformctl
