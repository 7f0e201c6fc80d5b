# INTERFACE target carrying the project's warning flags; link it PRIVATE.
add_library(platformctl_warnings INTERFACE)
target_compile_options(platformctl_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wnull-dereference -Wimplicit-fallthrough)
if(PLATFORMCTL_WARNINGS_AS_ERRORS)
  target_compile_options(platformctl_warnings INTERFACE -Werror)
endif()
# GCC 12 reports bogus -Wrestrict on std::string concatenation ("lit" + str) at
# -O2 (GCC bug 105651, fixed in GCC 13); with -Werror it breaks release builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(platformctl_warnings INTERFACE -Wno-restrict)
endif()
