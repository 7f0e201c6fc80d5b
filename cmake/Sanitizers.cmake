# INTERFACE target carrying sanitizer flags (ASan + UBSan) when PLATFORMCTL_SANITIZE is ON.
add_library(platformctl_sanitizers INTERFACE)
if(PLATFORMCTL_SANITIZE)
  target_compile_options(platformctl_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(platformctl_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
