#pragma once
// dlsym helper shared by the dlopen-loaded libraries (libcurl, libcrypto).

#include <dlfcn.h>

#include <string>

namespace platformctl {

/// Resolves `name` in `handle` into `fn`; on failure appends the name to the
/// comma-separated `missing` list and leaves `fn` untouched.
template <typename Fn>
void ResolveSymbol(void* handle, const char* name, Fn& fn, std::string& missing) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    missing += missing.empty() ? name : std::string(", ") + name;
    return;
  }
  // POSIX guarantees that dlsym's result converts to a function pointer.
  fn = reinterpret_cast<Fn>(symbol);
}

}  // namespace platformctl
